/**
 * dispatch-latency: with 1,000 turns queued on one thread and --turn-delay-ms 0, the time from
 * a turn's turn/completed to the next queued turn's turn/started, as the client receives them
 * (both notifications cross the same pipe, so the figure includes the server's claim, its
 * thread/queue/changed snapshot, the turn start and the framing). p50 and p99 of the 999 gaps
 * per run; the figure is the median over runs. There is no baseline to run here: the reference
 * is graphile-worker's published add-to-start average, 4.16 ms.
 *
 * `/claim-commit-p99` is the floor under the gaps, measured in the same run on the same disk:
 * the p99 of one claim's commit (synchronous=FULL, 1,000 rows queued, the row removed after
 * each claim as a started dispatch removes it), in-process, with nothing else around it. A gap
 * holds one such commit, so where this figure passes 5 ms the machine's fsync does too.
 */
import { join } from "node:path";
import { SqliteQueueStore } from "../../server/store/index.js";
import type { Benchmark } from "../lib/benchmark.js";
import { figure } from "../lib/results.js";
import { percentile } from "../lib/stats.js";
import { addParams, connectServer, createPersistedThreads, pipelined } from "../lib/server.js";

const QUEUED_TURNS = 1_000;
const DRAIN_TIMEOUT_MS = 120_000;
const PUBLISHED = "graphile-worker's published add-to-start average (4.16 ms)";

export const dispatchLatency: Benchmark = {
  name: "dispatch-latency",
  summary: "turn/completed → next queued turn/started as the client sees it, 1,000 queued turns, --turn-delay-ms 0",
  async run({ runs, warmup, tmpDir, log }) {
    const dbPath = join(tmpDir, "queue.sqlite");
    // One persisted thread per run: queued while not loaded here, then resumed to let it drain.
    const threads = await createPersistedThreads(dbPath, warmup + runs);
    const conn = await connectServer(dbPath, ["--turn-delay-ms", "0"]);
    const started = new Map<string, number>();
    const completed = new Map<string, number>();
    let completedCount = 0;
    let wake: (() => void) | undefined;
    conn.client.on("turn/started", (p) => void started.set(p.turn.id, performance.now()));
    conn.client.on("turn/completed", (p) => {
      completed.set(p.turn.id, performance.now());
      completedCount += 1;
      wake?.();
    });
    const p50: number[] = [];
    const p99: number[] = [];
    const commitP99: number[] = [];
    try {
      for (const [index, threadId] of threads.entries()) {
        started.clear();
        completed.clear();
        completedCount = 0;
        await pipelined(QUEUED_TURNS, 64, (i) => conn.client.request("thread/queue/add", addParams(threadId, `turn ${i}`)));
        let timer: NodeJS.Timeout | undefined;
        const done = new Promise<void>((resolve, reject) => {
          wake = () => completedCount >= QUEUED_TURNS && resolve();
          // A turn that never completes must end the benchmark, not hang it.
          timer = setTimeout(() => reject(new Error(`only ${completedCount} of ${QUEUED_TURNS} turns completed within ${DRAIN_TIMEOUT_MS} ms`)), DRAIN_TIMEOUT_MS);
        });
        await conn.client.request("thread/resume", { threadId });
        await done.finally(() => clearTimeout(timer));
        // Turns of one thread run one at a time, so start order is the queue order.
        const order = [...started.entries()].sort((a, b) => a[1] - b[1]);
        const gaps: number[] = [];
        for (let i = 1; i < order.length; i++) {
          const previous = completed.get((order[i - 1] as [string, number])[0]);
          if (previous !== undefined) gaps.push((order[i] as [string, number])[1] - previous);
        }
        if (index < warmup) continue;
        commitP99.push(await claimCommitP99(join(tmpDir, `floor-${index}.sqlite`)));
        p50.push(percentile(gaps, 50));
        p99.push(percentile(gaps, 99));
        log(
          `run ${index - warmup + 1}: ${gaps.length} gaps, p50 ${percentile(gaps, 50).toFixed(2)} ms, p99 ${percentile(gaps, 99).toFixed(2)} ms; claim commit p99 ${(commitP99.at(-1) ?? 0).toFixed(2)} ms`,
        );
      }
    } finally {
      await conn.close();
    }
    return {
      results: [
        figure({ name: "dispatch-latency/p50", unit: "ms", samples: p50, baseline: { name: PUBLISHED, value: 4.16 } }),
        figure({ name: "dispatch-latency/p99", unit: "ms", samples: p99, baseline: { name: PUBLISHED, value: 4.16 }, target: { of: "value", op: "<=", limit: 5 } }),
        figure({ name: "dispatch-latency/claim-commit-p99", unit: "ms", samples: commitP99 }),
      ],
    };
  },
};

/** p99 of QUEUED_TURNS - 1 claim commits in-process (see the file comment). */
async function claimCommitP99(path: string): Promise<number> {
  const store = await SqliteQueueStore.open({ path });
  try {
    const threadId = "floor";
    await store.createThread({ id: threadId });
    const json = JSON.stringify(addParams(threadId, "queued turn").turnStartParams);
    await Promise.all(Array.from({ length: QUEUED_TURNS }, () => store.appendQueuedTurn(threadId, json)));
    await store.acquireThreadLease(threadId, { ownerId: "bench", ttlMs: 3_600_000, abandonedClaimFailureJson: "{}" });
    const commits: number[] = [];
    for (let i = 1; i < QUEUED_TURNS; i++) {
      const started = performance.now();
      await store.claimHeadQueuedTurn(threadId, "bench", { dispatchTurnId: `turn-${i}` });
      commits.push(performance.now() - started);
      await store.removeDispatchingQueuedTurn(threadId, `turn-${i}`);
    }
    return percentile(commits, 99);
  } finally {
    await store.close();
  }
}
