/**
 * The storage backends the end-to-end suite runs against (one suite, parameterised): SQLite, a
 * file in a temporary folder, and PostgreSQL, a fresh schema in the database named by
 * THREAD_QUEUE_TEST_PG_URL (scripts/pg-test-cluster.sh starts one; CI sets it). Without the
 * variable, the PostgreSQL half of every suite is one skipped test that names it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, it } from "vitest";
import { PostgresQueueStore, SqliteQueueStore, type QueueStore } from "../../server/store/index.js";
import { TempDir } from "./server-process.js";

export type BackendKind = "sqlite" | "postgres";
export const BACKENDS: readonly BackendKind[] = ["sqlite", "postgres"];
export const PG_URL_VARIABLE = "THREAD_QUEUE_TEST_PG_URL";

export interface TestBackend {
  readonly kind: BackendKind;
  /** What `--db` gets: a file path or a postgres:// URL. */
  readonly db: string;
  /** Flags a server needs besides `--db` (the schema, for PostgreSQL). */
  readonly serverArgs: readonly string[];
  /** The store the servers use, opened from the test (to set up or inspect state). */
  openStore(): Promise<QueueStore>;
  /** Removes the file or the schema. */
  dispose(): Promise<void>;
}

export function postgresTestUrl(): string | undefined {
  return process.env[PG_URL_VARIABLE] || undefined;
}

export async function createBackend(kind: BackendKind): Promise<TestBackend> {
  return kind === "sqlite" ? sqliteBackend() : postgresBackend();
}

function sqliteBackend(): TestBackend {
  const dir = new TempDir();
  const db = dir.file("queue.sqlite");
  return {
    kind: "sqlite",
    db,
    serverArgs: [],
    openStore: () => SqliteQueueStore.open({ path: db }),
    dispose: async () => dir.dispose(),
  };
}

let schemas = 0;

async function postgresBackend(): Promise<TestBackend> {
  const url = postgresTestUrl();
  if (url === undefined) throw new Error(`${PG_URL_VARIABLE} is not set`);
  const schema = `e2e_${process.pid}_${++schemas}_${randomBytes(3).toString("hex")}`;
  return {
    kind: "postgres",
    db: url,
    serverArgs: ["--db-schema", schema],
    openStore: () => PostgresQueueStore.open({ connectionString: url, schema, applicationName: "thread-queue-test-admin" }),
    dispose: async () => {
      const admin = new pg.Client({ connectionString: url, application_name: "thread-queue-test-admin" });
      await admin.connect();
      try {
        // DDL takes no bind parameters; the name is generated above from digits and hex.
        await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * `describe(title on backend)` for each backend; without PostgreSQL, its half is one skipped
 * test saying which variable to set.
 */
export function describeEachBackend(title: string, body: (backend: BackendKind) => void): void {
  for (const backend of BACKENDS) {
    const name = `${title} on ${backend}`;
    if (backend === "postgres") describeWithPostgresServer(name, () => body(backend));
    else describe(name, () => body(backend));
  }
}

/** `describe` for suites that only make sense on PostgreSQL (several instances); skipped naming the variable without it. */
export function describeWithPostgresServer(title: string, body: () => void): void {
  if (postgresTestUrl() === undefined) {
    describe(title, () => {
      it(`needs PostgreSQL: set ${PG_URL_VARIABLE}`, (context) => {
        context.skip(`${PG_URL_VARIABLE} is not set; run: eval "$(scripts/pg-test-cluster.sh start)"`);
      });
    });
    return;
  }
  describe(title, body);
}
