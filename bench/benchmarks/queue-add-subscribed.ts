/**
 * queue-add-subscribed: acknowledged thread/queue/add per second on the path clients use — the
 * threads are loaded, each has a running turn, and the client adding is subscribed to them, so
 * every add is followed by a thread/queue/changed carrying the whole visible queue. 50 fresh
 * threads per run (thread/start, then a direct turn/start that runs for an hour), 20 adds to
 * each, 64 requests in flight over one stdio connection (the generated client); a run ends when
 * every add's `changed` has been received and parsed, and fails unless each thread got exactly
 * one per add, in order (queue lengths n+1, n+2, …). Same-run baseline as queue-add-durable:
 * better-sqlite3 (WAL, synchronous=FULL), one committed INSERT per row.
 *
 * `/deep`: the same with 1,000 rows already queued on every thread (written by a second store
 * on the file beforehand; the server learns of them through the file and sends them once), so
 * every `changed` carries ~1,000 rows: bound by the protocol (whole-queue snapshots), no
 * target. Its notification bytes per second are reported alongside. With the server's default
 * outbound budget, 64 such snapshots in flight (~14 MB) pass its high-water mark: the client is
 * behind, and an unsent snapshot of a thread is replaced by a newer one (docs/guarantees.md ›
 * Slow and hostile clients). So a deep run ends when every thread's last `changed` holds all its
 * adds, checks that the lengths it saw only grew, and reports `changed` received per add.
 *
 * `/websocket`: the shallow run over WebSocket (a second server, on its own file, listening on
 * loopback; the generated client's WebSocketClientTransport) instead of stdio.
 *
 * `…/server-cpu-per-add` and `…/client-cpu-per-add`: CPU time (user + system) the server
 * process and this client process spent per add during the measured part — what a run costs
 * the two cores whatever else the shared machine is doing.
 */
import { join } from "node:path";
import { SqliteQueueStore } from "../../server/store/index.js";
import type { Benchmark } from "../lib/benchmark.js";
import { cpuSeconds } from "../lib/postgres.js";
import { figure } from "../lib/results.js";
import { samplePairs } from "../lib/sampling.js";
import { addParams, connectServer, pipelined, type ServerConnection } from "../lib/server.js";
import { connectServerOverWebSocket } from "../lib/websocket-server.js";
import { addsFigure, BASELINE_ROWS, singleCommitLoop } from "./queue-add-durable.js";

const THREADS = 50;
const ADDS_PER_THREAD = 20;
const IN_FLIGHT = 64;
const DEEP_ROWS = 1_000;
const CHANGED = "thread/queue/changed";
/** A run that does not see every `changed` within this long ends the benchmark with an error. */
const RUN_TIMEOUT_MS = 120_000;
const SERVER_ARGS = ["--turn-delay-ms", "3600000", "--max-queue-length", "100000"];

export const queueAddSubscribed: Benchmark = {
  name: "queue-add-subscribed",
  summary: "thread/queue/add per second to 50 loaded, busy threads whose client is subscribed (every changed received), vs one-commit-per-row SQLite",
  async run({ runs, warmup, tmpDir, log }) {
    const baseline = singleCommitLoop(join(tmpDir, "baseline.sqlite"));
    const dbPath = join(tmpDir, "server.sqlite");
    const stdio = await connectServer(dbPath, SERVER_ARGS, { countNotificationBytes: true });
    const filler = await SqliteQueueStore.open({ path: dbPath, changePollIntervalMs: 0 });
    const stdioWatcher = new ChangedWatcher(stdio);
    const webSocket = await connectServerOverWebSocket(join(tmpDir, "server-ws.sqlite"), SERVER_ARGS);
    const webSocketWatcher = new ChangedWatcher(webSocket);
    const results = [];
    try {
      for (const [label, preQueued, conn, watcher] of [
        ["", 0, stdio, stdioWatcher],
        ["/deep", DEEP_ROWS, stdio, stdioWatcher],
        ["/websocket", 0, webSocket, webSocketWatcher],
      ] as const) {
        log(`${preQueued} rows queued per thread: ${warmup} warm-up + ${runs} runs of ${THREADS} threads × ${ADDS_PER_THREAD} adds`);
        const bytesPerSecond: number[] = [];
        const serverCpu: number[] = [];
        const clientCpu: number[] = [];
        const changedPerAdd: number[] = [];
        let measured = 0;
        const pairs = await samplePairs(
          runs,
          warmup,
          async () => {
            const threads = await busyThreads(conn, filler, watcher, preQueued);
            const run = await addAndReceive(conn, watcher, threads, preQueued);
            if (measured++ >= warmup) {
              bytesPerSecond.push(run.changedBytes / (run.ms / 1000));
              serverCpu.push(run.serverCpuUs / (THREADS * ADDS_PER_THREAD));
              clientCpu.push(run.clientCpuUs / (THREADS * ADDS_PER_THREAD));
              changedPerAdd.push(run.changedCount / (THREADS * ADDS_PER_THREAD));
            }
            return (THREADS * ADDS_PER_THREAD * 1000) / run.ms;
          },
          () => baseline.perSecond(BASELINE_ROWS),
        );
        results.push(addsFigure(`queue-add-subscribed${label}`, pairs, label === ""));
        if (preQueued > 0) {
          results.push(figure({ name: `queue-add-subscribed${label}/changed-bytes`, unit: "MB/s", samples: bytesPerSecond.map((bytes) => bytes / 1e6) }));
          results.push(figure({ name: `queue-add-subscribed${label}/changed-per-add`, unit: "changed", samples: changedPerAdd }));
        }
        results.push(figure({ name: `queue-add-subscribed${label}/server-cpu-per-add`, unit: "µs", samples: serverCpu }));
        results.push(figure({ name: `queue-add-subscribed${label}/client-cpu-per-add`, unit: "µs", samples: clientCpu }));
      }
      return { results };
    } finally {
      await stdio.close();
      await webSocket.close();
      await filler.close();
      baseline.close();
    }
  },
};

/** The queue length of every `changed` received, per thread, in arrival order. */
class ChangedWatcher {
  private readonly lengths = new Map<string, number[]>();
  private wake: (() => void) | undefined;

  constructor(conn: ServerConnection) {
    conn.client.on(CHANGED, ({ threadId, queuedTurns }) => {
      const seen = this.lengths.get(threadId);
      if (seen === undefined) return;
      seen.push(queuedTurns.length);
      this.wake?.();
    });
  }

  watch(threadIds: readonly string[]): void {
    this.lengths.clear();
    for (const threadId of threadIds) this.lengths.set(threadId, []);
  }

  lengthsOf(threadId: string): readonly number[] {
    return this.lengths.get(threadId) ?? [];
  }

  /** Resolves once `done` holds, checked after every `changed`; rejects after RUN_TIMEOUT_MS. */
  async until(done: () => boolean, what: string): Promise<void> {
    if (done()) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.wake = () => done() && resolve();
        timer = setTimeout(() => reject(new Error(`${what}: not within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
      });
    } finally {
      this.wake = undefined;
      clearTimeout(timer);
    }
  }
}

/**
 * Fresh loaded threads with a turn running on each (so nothing dispatches), subscribed by this
 * client; with `preQueued`, that many rows each, written by a second store on the same file.
 */
async function busyThreads(conn: ServerConnection, filler: SqliteQueueStore, watcher: ChangedWatcher, preQueued: number): Promise<string[]> {
  const threads: string[] = [];
  await pipelined(THREADS, 16, async () => {
    const { thread } = await conn.client.request("thread/start", { ephemeral: false });
    await conn.client.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "runs for an hour", text_elements: [] }] });
    threads.push(thread.id);
  });
  watcher.watch(threads);
  if (preQueued > 0) {
    for (const threadId of threads) {
      const rows = Array.from({ length: preQueued }, (_, i) => JSON.stringify(addParams(threadId, `pre-queued turn ${i}`).turnStartParams));
      await Promise.all(rows.map((json) => filler.appendQueuedTurn(threadId, json)));
    }
    // The server hears of another connection's commits through the file and sends each queue once.
    await watcher.until(() => threads.every((threadId) => (watcher.lengthsOf(threadId).at(-1) ?? 0) >= preQueued), "pre-queued rows announced");
    watcher.watch(threads);
  }
  return threads;
}

/**
 * The measured part: every add, and its `changed` — one per add and in order for shallow queues;
 * for deep ones (coalesced while the client is behind, see above) lengths that only grow, up to
 * the last add.
 */
async function addAndReceive(conn: ServerConnection, watcher: ChangedWatcher, threads: readonly string[], preQueued: number) {
  // Bytes are counted on the stdio connection, and reported for deep runs only.
  const changedBytes = preQueued > 0 ? () => conn.notificationBytes(CHANGED) : () => 0;
  const bytesBefore = changedBytes();
  const serverBefore = cpuSeconds(conn.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await pipelined(THREADS * ADDS_PER_THREAD, IN_FLIGHT, (i) => {
    const threadId = threads[i % THREADS] as string;
    return conn.client.request("thread/queue/add", addParams(threadId, `queued turn ${i}`));
  });
  const final = preQueued + ADDS_PER_THREAD;
  await watcher.until(() => threads.every((threadId) => watcher.lengthsOf(threadId).at(-1) === final), "every add's changed");
  const ms = performance.now() - started;
  const serverCpuUs = (cpuSeconds(conn.pid) - serverBefore) * 1e6;
  const client = process.cpuUsage(clientBefore);
  let changedCount = 0;
  for (const threadId of threads) {
    const seen = watcher.lengthsOf(threadId);
    changedCount += seen.length;
    const expected = Array.from({ length: ADDS_PER_THREAD }, (_, i) => preQueued + i + 1);
    const inOrder = preQueued === 0 ? seen.join() === expected.join() : seen.every((length, i) => length > preQueued && (i === 0 || length > (seen[i - 1] as number)));
    if (!inOrder) throw new Error(`thread ${threadId}: changed lengths ${seen.join()}, expected ${preQueued === 0 ? expected.join() : `growing from ${preQueued + 1} to ${final}`}`);
  }
  return { ms, changedBytes: changedBytes() - bytesBefore, changedCount, serverCpuUs, clientCpuUs: client.user + client.system };
}
