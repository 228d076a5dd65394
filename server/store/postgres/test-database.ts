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
  name: string;
  /** A superuser connection to this file's database. */
  admin: pg.Client;
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
  const admin = new pg.Client({ connectionString: url, application_name: ADMIN_APPLICATION });
  await admin.connect();
  const stores = new Set<OpenedStore>();
  let schemas = 0;
  const newSchema = () => `store_${++schemas}`;

  const database: TestDatabase = {
    url,
    name,
    admin,
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

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
