/**
 * The hostile and slow clients of issue #19, as scenarios against a running WebSocket server
 * process that return what they measured: shared by test/reliability (bounded sizes, asserted)
 * and `npm run soak` (the full sizes, printed). No vitest in here.
 */
import { performance } from "node:perf_hooks";
import { initializeRaw } from "./reliability-server.js";
import { RawWebSocketPeer } from "./reliability-ws-peer.js";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let probeIds = 0;

/** A fresh connection: connect, initialize, and one request answered. Returns the milliseconds it took. */
export async function freshClientAnswerMs(url: string, threadId: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const peer = await RawWebSocketPeer.connect(url);
  try {
    await initializeRaw(peer);
    const id = `probe-${(probeIds += 1)}`;
    peer.send({ id, method: "thread/queue/list", params: { threadId, limit: 1 } });
    for (;;) {
      const answer = await peer.next(timeoutMs);
      if (answer.id === id) break;
    }
    return performance.now() - started;
  } finally {
    peer.close();
  }
}

/** GET /healthz; the milliseconds until it answered 200. */
export async function healthzMs(httpUrl: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL("/healthz", httpUrl), { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  await response.arrayBuffer();
  return performance.now() - started;
}

export interface UnsentAnswersOutcome {
  /** Requests the client managed to hand to its kernel before it dropped the socket. */
  readonly sent: number;
  /** From the drop to a fresh client's first answer. */
  readonly freshClientMs: number;
  readonly healthzMs: number;
}

/**
 * Item 1: a client stops reading, pipelines `count` requests answered at once (-32601), waits
 * `waitMs`, then drops its socket; a fresh client then connects and asks something.
 */
export async function dropWithUnsentAnswers(
  url: string,
  httpUrl: string,
  options: { count: number; waitMs: number; threadId: string; timeoutMs: number },
): Promise<UnsentAnswersOutcome> {
  const stalled = await RawWebSocketPeer.connect(url);
  await initializeRaw(stalled);
  stalled.stopReading();
  const frame = '{"id":1,"method":"a"}';
  for (let i = 0; i < options.count; i += 1) stalled.write(frame);
  await sleep(options.waitMs);
  const unsentFrames = Math.ceil(stalled.unsentBytes / (frame.length + 6));
  stalled.terminate();
  const freshClientMs = await freshClientAnswerMs(url, options.threadId, options.timeoutMs);
  return { sent: options.count - unsentFrames, freshClientMs, healthzMs: await healthzMs(httpUrl, options.timeoutMs) };
}
