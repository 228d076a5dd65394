/**
 * pg-add-durable: acknowledged thread/queue/add per second through the real server process
 * (stdio) on PostgreSQL, 64 in flight: the store's group commit puts the adds that arrive
 * together into one transaction (one WAL flush). Baseline: the store's own append op
 * (thread lock, INSERT, version bump + NOTIFY), one BEGIN … COMMIT per row from one connection
 * in this process — what a server without group commit could do at best, before any JSON-RPC
 * or pipe cost. The thread is not loaded by the measured server, so every add is a pure append.
 */
import pg from "pg";
import { appendQueuedTurn } from "../../server/store/postgres/ops/append-queued-turn.js";
import { createThread } from "../../server/store/postgres/ops/create-thread.js";
import type { Benchmark } from "../lib/benchmark.js";
import { benchPostgresUrl, benchSchema, NO_POSTGRES } from "../lib/postgres.js";
import { figure } from "../lib/results.js";
import { samplePairs } from "../lib/sampling.js";
import { addParams, connectServer, createPersistedThreads, pipelined } from "../lib/server.js";

const BURST_REQUESTS = 2_000;
const BASELINE_ROWS = 300;

export const pgAddDurable: Benchmark = {
  name: "pg-add-durable",
  summary: "acknowledged thread/queue/add per second on PostgreSQL with group commit, 64 in flight, vs one transaction per insert",
  async run({ runs, warmup, log }) {
    const url = benchPostgresUrl();
    if (url === undefined) return { skipped: NO_POSTGRES };
    const schema = benchSchema(url, "add");
    try {
      const [threadId] = await createPersistedThreads(url, 1, schema.serverArgs);
      const conn = await connectServer(url, [...schema.serverArgs, "--max-queue-length", "1000000"]);
      const baseline = await oneTransactionPerRow(url, schema.schema);
      try {
        const params = addParams(threadId as string, "benchmark turn");
        log(`${warmup} warm-up + ${runs} runs of ${BURST_REQUESTS} adds, 64 in flight; baseline ${BASELINE_ROWS} single-row transactions`);
        const pairs = await samplePairs(
          runs,
          warmup,
          async () => (BURST_REQUESTS * 1000) / (await pipelined(BURST_REQUESTS, 64, () => conn.client.request("thread/queue/add", params))),
          () => baseline.perSecond(BASELINE_ROWS),
        );
        return {
          results: [
            figure({
              name: "pg-add-durable",
              unit: "adds/s",
              samples: pairs.subject,
              baseline: { name: "the store's append op, one BEGIN … COMMIT per row, one connection, in-process", samples: pairs.baseline },
            }),
          ],
        };
      } finally {
        await conn.close();
        await baseline.close();
      }
    } finally {
      await schema.drop();
    }
  },
};

async function oneTransactionPerRow(url: string, schema: string) {
  const db = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await db.connect();
  const context = { db, now: Date.now, origin: "bench-baseline" };
  await createThread(context, { id: "bench-baseline-thread" });
  const json = JSON.stringify(addParams("bench-baseline-thread", "benchmark turn").turnStartParams);
  return {
    async perSecond(rows: number): Promise<number> {
      const started = performance.now();
      for (let i = 0; i < rows; i++) {
        await db.query("BEGIN");
        await appendQueuedTurn(context, "bench-baseline-thread", json, { maxQueueLength: 1_000_000 });
        await db.query("COMMIT");
      }
      return (rows * 1000) / (performance.now() - started);
    },
    close: () => db.end(),
  };
}
