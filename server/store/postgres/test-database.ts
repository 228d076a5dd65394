import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { PostgresQueueStore, type PostgresQueueStoreOptions } from "./postgres-queue-store.js";

/**
 * Test support: every test file gets a database of its own on the server named by
 * THREAD_QUEUE_TEST_PG_URL (scripts/pg-test-cluster.sh starts one), and every store a schema of
 * its own inside it. Without the variable the suites are skipped, saying so.
 */

export const PG_URL_VARIABLE = "THREAD_QUEUE_TEST_PG_URL";

/** application_name of the tests' own connections, so outage tests can spare them. */
export const ADMIN_APPLICATION = "thread-queue-test-admin";

export interface OpenedStore {
  store: PostgresQueueStore;
  schema: string;
  /** Closes the store (if still open) and drops its schema. */
  dispose(): Promise<void>;
}

export interface TestDatabase {
  /** URL of this file's database. */
  url: string;
  /** THREAD_QUEUE_TEST_PG_URL: the server's maintenance database. */
  serverUrl: string;
  name: string;
  /** Superuser connections to this file's database (a pool: queries may overlap). */
  admin: pg.Pool;
  /** A session of its own (for transactions that hold locks); the caller ends it. */
  connect(): Promise<pg.Client>;
  /** A schema name not used before in this file. */
  newSchema(): string;
  /** A store on a fresh schema, unless `options.schema` names one. */
  openStore(options?: Partial<PostgresQueueStoreOptions>): Promise<OpenedStore>;
}

/** `describe`, or — without a test server — a skipped test whose name says what to set. */
export function describeWithPostgres(name: string, body: (database: () => TestDatabase) => void): void {
  const serverUrl = process.env[PG_URL_VARIABLE];
  if (!serverUrl) {
    describe(name, () => {
      it(`needs PostgreSQL: set ${PG_URL_VARIABLE}`, (context) => {
        context.skip(`${PG_URL_VARIABLE} is not set; run: eval "$(scripts/pg-test-cluster.sh start)"`);
      });
    });
    return;
  }
  describe(name, () => {
    let database: TestDatabase | undefined;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ database, drop } = await createTestDatabase(serverUrl));
    });
    afterAll(async () => {
      await drop?.();
    });
    body(() => {
      if (!database) throw new Error("the test database was not created");
      return database;
    });
  });
}

async function createTestDatabase(serverUrl: string): Promise<{ database: TestDatabase; drop(): Promise<void> }> {
  const name = `thread_queue_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const server = new pg.Client({ connectionString: serverUrl, application_name: ADMIN_APPLICATION });
  await server.connect();
  try {
    // DDL takes no bind parameters; the name is generated above from digits and hex.
    await server.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await server.end();
  }
  const url = withDatabase(serverUrl, name);
  const admin = new pg.Pool({ connectionString: url, application_name: ADMIN_APPLICATION, max: 4 });
  // pool.end() resolves before its connections have closed; the DROP … WITH (FORCE) below may
  // end them first, which the pool reports as an error event.
  admin.on("error", () => undefined);
  const stores = new Set<OpenedStore>();
  let schemas = 0;
  const newSchema = () => `store_${++schemas}`;

  const database: TestDatabase = {
    url,
    serverUrl,
    name,
    admin,
    async connect() {
      const client = new pg.Client({ connectionString: url, application_name: ADMIN_APPLICATION });
      // Dropping the database at the end ends sessions a failed test left open; not a crash.
      client.on("error", () => undefined);
      await client.connect();
      return client;
    },
    newSchema,
    async openStore(options = {}) {
      const schema = options.schema ?? newSchema();
      const store = await PostgresQueueStore.open({ connectionString: url, ...options, schema });
      const opened: OpenedStore = {
        store,
        schema,
        dispose: async () => {
          stores.delete(opened);
          await store.close();
          await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
        },
      };
      stores.add(opened);
      return opened;
    },
  };

  const drop = async () => {
    await Promise.allSettled([...stores].map((opened) => opened.store.close()));
    await admin.end();
    const cleaner = new pg.Client({ connectionString: serverUrl, application_name: ADMIN_APPLICATION });
    await cleaner.connect();
    try {
      await cleaner.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await cleaner.end();
    }
  };
  return { database, drop };
}

/** Polls until `check` holds; the bound only turns a hang into a failure naming what was awaited. */
export async function waitUntil(what: string, check: () => Promise<boolean>, boundMs = 15_000): Promise<void> {
  const giveUpAt = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a session of this database (by backend pid or application_name) waits for a lock. */
export async function waitsForLock(admin: pg.Pool, session: { pid: number } | { applicationName: string }): Promise<boolean> {
  const { rows } = await admin.query(
    `SELECT 1 FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND (pid = $1 OR application_name = $2)`,
    "pid" in session ? [session.pid, null] : [null, session.applicationName],
  );
  return rows.length > 0;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
