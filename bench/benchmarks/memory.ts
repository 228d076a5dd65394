/**
 * memory: the server's resident set size (from /proc) with 100,000 queued turns over 1,000
 * threads, and its growth over 1,000,000 requests after that. The threads are created by an
 * earlier server process, so in the measured one they are persisted but not loaded and every
 * add is an append (nothing dispatches, no thread/queue/changed goes out): the figure is the
 * request path itself — framing, dispatch, validation, the store and its write batcher.
 * The requests are cycles of add → delete (of that row) → list → list (limit 25) spread over
 * the threads, 64 in flight, so the queue keeps its 100,000 rows. RSS is sampled every 50,000
 * requests; growth is the last sample minus the one after the warm-up (the first 200,000).
 * The client is a raw pipe (bench/lib/raw-pipe.ts): the generated client's per-request
 * bookkeeping would take CPU from the server on this 2-core machine and stretch the run.
 *
 * The server is the server package's compiled JavaScript under plain node (what the installed
 * `thread-queue-server` bin runs; built once, untimed). `memory/rss-100k-queued-tsx` repeats
 * the fill with the repository's bin/thread-queue-server.js, which compiles the TypeScript
 * through tsx at start-up (how the server ran before it was packaged): the before/after.
 * `memory/rss-100k-queued-semi-4` repeats the fill with the compiled server started as
 * `node --max-semi-space-size=4`: under a burst V8 grows its young generation from 8 to
 * 32 MiB, and this figure shows how much of the RSS that is.
 */
import { join } from "node:path";
import type { Benchmark } from "../lib/benchmark.js";
import { figure } from "../lib/results.js";
import { slope } from "../lib/stats.js";
import { compiledServerMain } from "../lib/packages.js";
import { SERVER_BIN } from "../lib/paths.js";
import { RawPipeClient } from "../lib/raw-pipe.js";
import { addParams, createPersistedThreads, pipelined, rssMiB } from "../lib/server.js";

const THREADS = 1_000;
const QUEUED_PER_THREAD = 100;
const REQUESTS = 1_000_000;
const WARMUP_REQUESTS = 200_000;
const SAMPLE_EVERY = 50_000;
/** add, delete, list, list. */
const REQUESTS_PER_CYCLE = 4;

export const memory: Benchmark = {
  name: "memory",
  summary: "server RSS with 100,000 queued turns over 1,000 threads, and its growth over 1,000,000 requests",
  // One long run: the requests are the repetition; `runs` does not apply.
  async run({ tmpDir, log }) {
    const compiled = compiledServerMain();
    const { conn, threads, afterFill } = await filledServer(join(tmpDir, "queue.sqlite"), [], log, compiled);
    try {
      const sampledAt: number[] = [];
      const rss: number[] = [];
      let done = 0;
      const cycles = REQUESTS / REQUESTS_PER_CYCLE;
      const ms = await pipelined(cycles, 64, async (i) => {
        const threadId = threads[i % THREADS] as string;
        const { queuedTurn } = (await conn.request("thread/queue/add", addParams(threadId, `churn ${i}`))) as { queuedTurn: { id: string } };
        await conn.request("thread/queue/delete", { threadId, queuedTurnId: queuedTurn.id });
        await conn.request("thread/queue/list", { threadId, limit: 25 });
        await conn.request("thread/queue/list", { threadId, limit: 25 });
        done += REQUESTS_PER_CYCLE;
        if (done % SAMPLE_EVERY === 0) {
          sampledAt.push(done);
          rss.push(rssMiB(conn.pid));
        }
      });
      log(`${REQUESTS.toLocaleString("en-US")} requests in ${(ms / 1000).toFixed(1)} s (${Math.round((REQUESTS * 1000) / ms).toLocaleString("en-US")}/s)`);
      log(`RSS MiB after fill ${afterFill.toFixed(0)}; every ${SAMPLE_EVERY.toLocaleString("en-US")} requests: ${rss.map((v) => v.toFixed(0)).join(" ")}`);

      await conn.close();
      const variant = await filledServer(join(tmpDir, "queue-semi-4.sqlite"), ["--max-semi-space-size=4"], log, compiled);
      const smallYoungGeneration = variant.afterFill;
      await variant.conn.close();
      const throughTsx = await filledServer(join(tmpDir, "queue-tsx.sqlite"), [], log, SERVER_BIN);
      await throughTsx.conn.close();

      const settled = rss.filter((_, k) => (sampledAt[k] as number) >= WARMUP_REQUESTS);
      const settledAt = sampledAt.filter((at) => at >= WARMUP_REQUESTS);
      const growth = (settled.at(-1) as number) - (settled[0] as number);
      const perHundredThousand = slope(settledAt, settled) * 100_000;
      return {
        results: [
          figure({
            name: "memory/rss-100k-queued",
            unit: "MiB",
            samples: [afterFill],
            baseline: { name: "the same fill, server run from TypeScript through tsx (rss-100k-queued-tsx)", value: throughTsx.afterFill },
            target: { of: "value", op: "<=", limit: 150 },
          }),
          figure({ name: "memory/rss-100k-queued-tsx", unit: "MiB", samples: [throughTsx.afterFill] }),
          figure({
            name: "memory/rss-100k-queued-semi-4",
            unit: "MiB",
            samples: [smallYoungGeneration],
            baseline: { name: "the same fill, default V8 heap sizing (rss-100k-queued)", value: afterFill },
          }),
          figure({ name: "memory/rss-peak-1m-requests", unit: "MiB", samples: [Math.max(...rss)], target: { of: "value", op: "<=", limit: 150 } }),
          // "No growth after warm-up", read as: less than 5 MiB between the first settled sample
          // and the last — GC heap sizing moves RSS by a few MiB on its own.
          figure({ name: "memory/growth-after-warmup", unit: "MiB", samples: [growth], target: { of: "value", op: "<=", limit: 5 } }),
          figure({ name: "memory/growth-trend", unit: "MiB per 100k requests", samples: [perHundredThousand] }),
        ],
      };
    } finally {
      await conn.close();
    }
  },
};

/**
 * A server on a fresh database holding 100,000 queued turns over 1,000 threads, and its RSS
 * right after the fill (the moment the figure is about).
 */
async function filledServer(dbPath: string, nodeArgs: readonly string[], log: (message: string) => void, entry: string) {
  const threads = await createPersistedThreads(dbPath, THREADS);
  const conn = new RawPipeClient(dbPath, [], nodeArgs, entry);
  try {
    await conn.handshake([]);
    const fillMs = await pipelined(THREADS * QUEUED_PER_THREAD, 64, (i) =>
      conn.request("thread/queue/add", addParams(threads[i % THREADS] as string, `queued turn ${i}`)),
    );
    const afterFill = rssMiB(conn.pid);
    const flags = ` (node ${[...nodeArgs, entry].join(" ")})`;
    log(`queued ${(THREADS * QUEUED_PER_THREAD).toLocaleString("en-US")} turns over ${THREADS} threads in ${(fillMs / 1000).toFixed(1)} s${flags}: RSS ${afterFill.toFixed(0)} MiB`);
    return { conn, threads, afterFill };
  } catch (error) {
    await conn.close();
    throw error;
  }
}
