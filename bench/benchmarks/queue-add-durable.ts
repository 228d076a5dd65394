/**
 * queue-add-durable: acknowledged thread/queue/add per second over one stdio connection to the
 * real server process (default durability: WAL + synchronous=FULL), 64 requests in flight and
 * 1 in flight. Baseline: the same INSERT (the store's own prepared statement, same pragmas)
 * from an in-process better-sqlite3 loop, one committed transaction per row — what a server
 * without group commit could do at best, before any JSON-RPC or pipe cost.
 */
import { join } from "node:path";
import { migrate, loadMigrations } from "../../server/store/sqlite/migrate.js";
import { openDatabase } from "../../server/store/sqlite/open-database.js";
import { prepareAppendQueuedTurn } from "../../server/store/sqlite/ops/append-queued-turn.js";
import { prepareCreateThread } from "../../server/store/sqlite/ops/create-thread.js";
import type { Benchmark } from "../lib/benchmark.js";
import { figure, type BenchResult } from "../lib/results.js";
import { samplePairs, type PairedSamples } from "../lib/sampling.js";
import { addParams, connectServer, createPersistedThreads, pipelined } from "../lib/server.js";

/** Requests per measured run: enough for ~0.5 s at the expected rates. */
const BURST_REQUESTS = 4_000;
const SERIAL_REQUESTS = 200;
const BASELINE_NAME = "in-process better-sqlite3, one committed transaction per insert (synchronous=FULL)";
/** The baseline is a rate too; a few hundred commits give it within a second. */
export const BASELINE_ROWS = 300;

/** An adds/s figure against the naive baseline; `targeted`: the issues' target, ratio ≥ 3. */
export function addsFigure(name: string, pairs: PairedSamples, targeted: boolean): BenchResult {
  return figure({
    name,
    unit: "adds/s",
    samples: pairs.subject,
    baseline: { name: BASELINE_NAME, samples: pairs.baseline },
    target: targeted ? { of: "ratio", op: ">=", limit: 3 } : undefined,
  });
}

export const queueAddDurable: Benchmark = {
  name: "queue-add-durable",
  summary: "acknowledged thread/queue/add per second, real server over stdio, synchronous=FULL, vs one-commit-per-row SQLite",
  async run({ runs, warmup, tmpDir, log }) {
    const baseline = singleCommitLoop(join(tmpDir, "baseline.sqlite"));
    const dbPath = join(tmpDir, "server.sqlite");
    // A thread of an earlier server process: this one has not loaded it, so nothing dispatches
    // and every add is exactly an append (a loaded, idle thread would start each turn at once).
    const [threadId] = await createPersistedThreads(dbPath, 1);
    // Rows accumulate run after run; the limit is raised so the queue never fills.
    const conn = await connectServer(dbPath, ["--max-queue-length", "1000000"]);
    try {
      const params = addParams(threadId as string, "benchmark turn");
      const add = () => conn.client.request("thread/queue/add", params);
      const results = [];
      for (const [label, inFlight, requests] of [
        ["", 64, BURST_REQUESTS],
        ["/1-in-flight", 1, SERIAL_REQUESTS],
      ] as const) {
        log(`${inFlight} in flight: ${warmup} warm-up + ${runs} runs of ${requests} adds`);
        const pairs = await samplePairs(
          runs,
          warmup,
          async () => (requests * 1000) / (await pipelined(requests, inFlight, add)),
          () => baseline.perSecond(BASELINE_ROWS),
        );
        results.push(addsFigure(`queue-add-durable${label}`, pairs, inFlight === 64));
      }
      return { results };
    } finally {
      await conn.close();
      baseline.close();
    }
  },
};

/**
 * The naive baseline of the add benchmarks: the store's own append statement and pragmas
 * (WAL, synchronous=FULL) in-process, one committed `BEGIN IMMEDIATE … COMMIT` per row.
 */
export function singleCommitLoop(path: string) {
  const db = openDatabase(path, { synchronous: "FULL", busyTimeoutMs: 5000 });
  const now = () => Date.now();
  migrate(db, loadMigrations(), now);
  prepareCreateThread({ db, now })({ id: "bench-thread" });
  const append = prepareAppendQueuedTurn({ db, now });
  const json = JSON.stringify(addParams("bench-thread", "benchmark turn").turnStartParams);
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  return {
    perSecond(rows: number): number {
      const started = performance.now();
      for (let i = 0; i < rows; i++) {
        begin.run();
        append("bench-thread", json, { maxQueueLength: 1_000_000 });
        commit.run();
      }
      return (rows * 1000) / (performance.now() - started);
    },
    close: () => db.close(),
  };
}
