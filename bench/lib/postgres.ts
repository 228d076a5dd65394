/**
 * PostgreSQL for the scale-out benchmarks: the server named by THREAD_QUEUE_BENCH_PG_URL (or,
 * failing that, the test cluster's THREAD_QUEUE_TEST_PG_URL — scripts/pg-test-cluster.sh), a
 * fresh schema per benchmark, dropped afterwards. And CPU time per process from /proc, to tell
 * what bounds a figure on a machine where servers and the database share the cores.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

export function benchPostgresUrl(): string | undefined {
  return process.env.THREAD_QUEUE_BENCH_PG_URL || process.env.THREAD_QUEUE_TEST_PG_URL || undefined;
}

export const NO_POSTGRES = "no PostgreSQL: set THREAD_QUEUE_BENCH_PG_URL or THREAD_QUEUE_TEST_PG_URL (eval \"$(scripts/pg-test-cluster.sh start)\")";

export interface BenchSchema {
  readonly url: string;
  readonly schema: string;
  /** `--db URL --db-schema NAME` minus the `--db`, for connectServer(url, args). */
  readonly serverArgs: readonly string[];
  drop(): Promise<void>;
}

/** A schema name no other run uses; the servers create it (and its tables) on first open. */
export function benchSchema(url: string, prefix: string): BenchSchema {
  const schema = `bench_${prefix}_${process.pid}_${randomBytes(3).toString("hex")}`;
  return {
    url,
    schema,
    serverArgs: ["--db-schema", schema],
    drop: async () => {
      const admin = new pg.Client({ connectionString: url });
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

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, hence the last ")"): utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Every process named `postgres` on this machine: the database's share of the CPU. */
export function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    });
}

/**
 * Transaction ids assigned so far (`txid_current()` assigns one to its own call too): the
 * difference over a run is the number of write transactions every session committed or
 * aborted meanwhile — exact and immediate, unlike pg_stat_database's delayed counters.
 */
export async function writeTransactionsSoFar(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ xid: string }>("SELECT txid_current()::text AS xid");
    return Number(rows[0]?.xid ?? 0);
  } finally {
    await client.end();
  }
}
