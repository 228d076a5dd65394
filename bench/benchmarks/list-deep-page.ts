/**
 * list-deep-page: thread/queue/list latency (limit 100, one request at a time, as the client
 * sees it) for the first page and for the last page of a 100,000-row queue. Keyset pagination
 * makes both the same cost; an OFFSET-style page would grow with its depth. The baseline is the
 * first page, measured in the same runs: the figure is how much dearer the deepest page is.
 */
import { join } from "node:path";
import type { Benchmark } from "../lib/benchmark.js";
import { figure } from "../lib/results.js";
import { samplePairs } from "../lib/sampling.js";
import { median } from "../lib/stats.js";
import { RawPipeClient } from "../lib/raw-pipe.js";
import { addParams, connectServer, createPersistedThreads, pipelined, type ServerConnection } from "../lib/server.js";

const ROWS = 100_000;
const PAGE = 100;
/** Requests per page per run; the run's figure is their median. */
const REQUESTS = 100;

export const listDeepPage: Benchmark = {
  name: "list-deep-page",
  summary: "thread/queue/list latency, first vs last page of a 100,000-row queue (keyset pagination)",
  async run({ runs, warmup, tmpDir, log }) {
    const dbPath = join(tmpDir, "queue.sqlite");
    const [threadId] = (await createPersistedThreads(dbPath, 1)) as [string];
    // The default limit is 10,000 rows per thread. Filled over a raw pipe (faster set-up),
    // measured with the generated client of a second server process on the same file.
    const filler = new RawPipeClient(dbPath, ["--max-queue-length", String(ROWS)]);
    try {
      await filler.handshake([]);
      const fillMs = await pipelined(ROWS, 64, (i) => filler.request("thread/queue/add", addParams(threadId, `queued turn ${i}`)));
      log(`queued ${ROWS.toLocaleString("en-US")} turns in ${(fillMs / 1000).toFixed(1)} s`);
    } finally {
      await filler.close();
    }
    const conn = await connectServer(dbPath);
    try {
      const lastCursor = await cursorOfLastPage(conn, threadId);
      const pairs = await samplePairs(
        runs,
        warmup,
        () => pageLatency(conn, threadId, lastCursor, ROWS % PAGE || PAGE),
        () => pageLatency(conn, threadId, null, PAGE),
      );
      return {
        results: [
          figure({ name: "list-deep-page/first", unit: "ms", samples: pairs.baseline }),
          figure({
            name: "list-deep-page/last",
            unit: "ms",
            samples: pairs.subject,
            baseline: { name: "first page of the same queue", samples: pairs.baseline },
            target: { of: "ratio", op: "<=", limit: 2 },
          }),
        ],
      };
    } finally {
      await conn.close();
    }
  },
};

/** Pages through the whole queue once, as a client would, and returns the cursor of the last page. */
async function cursorOfLastPage(conn: ServerConnection, threadId: string): Promise<string> {
  let cursor: string | null = null;
  let previous: string | null = null;
  let seen = 0;
  do {
    const page: { data: unknown[]; nextCursor?: string | null } = await conn.client.request("thread/queue/list", { threadId, cursor, limit: PAGE });
    seen += page.data.length;
    previous = cursor;
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
  if (seen !== ROWS || previous === null) throw new Error(`paging saw ${seen} rows, expected ${ROWS}`);
  return previous;
}

/** Median latency of REQUESTS sequential requests for one page, checking its size. */
async function pageLatency(conn: ServerConnection, threadId: string, cursor: string | null, expectedRows: number): Promise<number> {
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const page = await conn.client.request("thread/queue/list", { threadId, cursor, limit: PAGE });
    latencies.push(performance.now() - started);
    if (page.data.length !== expectedRows) throw new Error(`page has ${page.data.length} rows, expected ${expectedRows}`);
  }
  return median(latencies);
}
