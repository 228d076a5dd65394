/**
 * The hostile and slow clients of issue #19, as scenarios against a running WebSocket server
 * process that return what they measured: shared by test/reliability (bounded sizes, asserted)
 * and `npm run soak` (the full sizes, printed). No vitest in here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { ResidentMemorySampler, timeNetOfContention } from "./process-probe.js";
import { initializeRaw } from "./reliability-server.js";
import { RawWebSocketPeer } from "./reliability-ws-peer.js";
import { REPO_ROOT } from "./server-process.js";

const PROBE_SCRIPT = join(REPO_ROOT, "test/support/latency-probe-process.ts");
const FRESH_CLIENT_SCRIPT = join(REPO_ROOT, "test/support/fresh-client-process.ts");

/**
 * A fresh client in its own process, loaded and waiting: `go()` makes it connect, initialize and
 * list a thread, and resolves with how long that took (wall clock, and net of waiting for a CPU).
 */
async function readyFreshClient(server: { url: string; pid: number }, threadId: string, timeoutMs: number): Promise<{ go(): Promise<{ wallMs: number; netMs: number }> }> {
  const child = spawn(process.execPath, ["--import", "tsx/esm", FRESH_CLIENT_SCRIPT, server.url, String(server.pid), threadId], {
    stdio: ["pipe", "pipe", "inherit"],
    cwd: REPO_ROOT,
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the fresh client got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once("exit", (code) => reject(new Error(`the fresh client exited with ${String(code)}`)));
    });
  if ((await next()) !== "ready") throw new Error("the fresh client did not start");
  return {
    async go() {
      const answered = next();
      child.stdin?.write("go\n");
      const [wall, net] = (await answered).slice("answered ".length).split(" ").map(Number);
      return { wallMs: wall ?? Number.NaN, netMs: net ?? Number.NaN };
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
  /** From the drop to a fresh client's first answer, net of waiting for a CPU (process-probe.ts). */
  readonly freshClientMs: number;
  readonly freshClientWallMs: number;
  readonly healthzMs: number;
}

/**
 * Item 1: a client stops reading, pipelines `count` requests answered at once (-32601), waits
 * `waitMs`, then drops its socket; a fresh client then connects and asks something.
 */
export async function dropWithUnsentAnswers(
  server: { url: string; httpUrl: string; pid: number },
  options: { count: number; waitMs: number; threadId: string; timeoutMs: number },
): Promise<UnsentAnswersOutcome> {
  const { url, httpUrl, pid } = server;
  const fresh = await readyFreshClient({ url, pid }, options.threadId, options.timeoutMs);
  const stalled = await RawWebSocketPeer.connect(url);
  await initializeRaw(stalled);
  stalled.stopReading();
  const frame = '{"id":1,"method":"a"}';
  for (let i = 0; i < options.count; i += 1) stalled.write(frame);
  await sleep(options.waitMs);
  const unsentFrames = Math.ceil(stalled.unsentBytes / (frame.length + 6));
  stalled.terminate();
  const answered = await fresh.go();
  const healthz = await timeNetOfContention(pid, () => healthzMs(httpUrl, options.timeoutMs));
  return { sent: options.count - unsentFrames, freshClientMs: answered.netMs, freshClientWallMs: answered.wallMs, healthzMs: healthz.netMs };
}

/**
 * A WebSocket client for scenarios that move hundreds of megabytes: it parses answers (frames
 * that are not notifications) and only counts notifications, keeping the newest snapshot of
 * each thread as text. It can stop reading, like a client that hangs.
 */
export class LeanClient {
  private nextId = 0;
  private readonly pending = new Map<string, (answer: Record<string, unknown>) => void>();
  notificationCount = 0;
  notificationBytes = 0;
  /** The largest answer (not notification) received, in UTF-16 units. */
  largestAnswer = 0;
  /** Thread id → the newest thread/queue/changed received, unparsed. */
  readonly latestSnapshots = new Map<string, string>();
  readonly closed: Promise<{ code: number }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => this.receive(data.toString("utf8")));
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", (code: number) => resolve({ code })));
  }

  static async connect(url: string): Promise<LeanClient> {
    const socket = new WebSocket(url, { maxPayload: 512 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const client = new LeanClient(socket);
    await client.request("initialize", { clientInfo: { name: "hostile", title: null, version: "1" }, capabilities: { experimentalApi: true } });
    socket.send('{"method":"initialized"}');
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a request; resolves with its answer (result or error, as sent). */
  request(method: string, params: unknown): Promise<Record<string, unknown>> {
    const id = `lean-${(this.nextId += 1)}`;
    const answered = new Promise<Record<string, unknown>>((resolve) => this.pending.set(id, resolve));
    this.socket.send(JSON.stringify({ id, method, params }));
    return answered;
  }

  /** Sends a request and returns its result, or throws its error. */
  async call(method: string, params: unknown): Promise<Record<string, unknown>> {
    const answer = await this.request(method, params);
    if ("error" in answer) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result as Record<string, unknown>;
  }

  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** The rows of the newest snapshot of `threadId` this client received. */
  latestSnapshotIds(threadId: string): string[] | undefined {
    const text = this.latestSnapshots.get(threadId);
    if (text === undefined) return undefined;
    const message = JSON.parse(text) as { params: { queuedTurns: Array<{ id: string }> } };
    return message.params.queuedTurns.map((row) => row.id);
  }

  private receive(text: string): void {
    if (text.startsWith('{"method":')) {
      this.notificationCount += 1;
      this.notificationBytes += text.length;
      const snapshot = /^\{"method":"thread\/queue\/changed","params":\{"threadId":"([^"]+)"/.exec(text);
      if (snapshot?.[1] !== undefined) this.latestSnapshots.set(snapshot[1], text);
      return;
    }
    this.largestAnswer = Math.max(this.largestAnswer, text.length);
    const answer = JSON.parse(text) as Record<string, unknown>;
    const resolve = this.pending.get(String(answer.id));
    if (resolve === undefined) return;
    this.pending.delete(String(answer.id));
    resolve(answer);
  }
}

/**
 * Another client asking the server something small every `intervalMs` while a scenario runs,
 * from a process of its own (latency-probe-process.ts): the slowest answer says how long the
 * server kept everyone else waiting.
 */
export class LatencyProbe {
  private slowestMs = 0;
  private slowestWallMs = 0;
  private answers = 0;
  private readonly errors: string[] = [];
  /** When (our clock) the request now in flight was reported sent. */
  private inFlightSince: number | undefined;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line === "sent") this.inFlightSince = performance.now();
      else if (line.startsWith("answered ")) {
        const [wall, net] = line.slice("answered ".length).split(" ").map(Number);
        this.slowestWallMs = Math.max(this.slowestWallMs, wall ?? 0);
        this.slowestMs = Math.max(this.slowestMs, net ?? 0);
        this.answers += 1;
        this.inFlightSince = undefined;
      } else if (line.startsWith("error ")) this.errors.push(line);
    });
  }

  static async start(server: ScenarioServer, method: string, params: unknown, intervalMs = 100): Promise<LatencyProbe> {
    const args = [PROBE_SCRIPT, server.url, String(server.pid), method, JSON.stringify(params), String(intervalMs)];
    const child = spawn(process.execPath, ["--import", "tsx/esm", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      cwd: REPO_ROOT,
    });
    const probe = new LatencyProbe(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`the latency probe exited with ${String(code)}`)));
    });
    return probe;
  }

  /**
   * The slowest answer so far, net of waiting for a CPU (and wall clock), counting a request
   * still unanswered as waiting until now.
   */
  async stop(): Promise<{ slowestMs: number; slowestWallMs: number; answers: number }> {
    if (this.inFlightSince !== undefined) {
      const waiting = performance.now() - this.inFlightSince;
      this.slowestMs = Math.max(this.slowestMs, waiting);
      this.slowestWallMs = Math.max(this.slowestWallMs, waiting);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, "exit");
      this.child.kill("SIGKILL");
      await exited;
    }
    if (this.errors.length > 0) throw new Error(`the latency probe got errors: ${this.errors.join("; ")}`);
    return { slowestMs: this.slowestMs, slowestWallMs: this.slowestWallMs, answers: this.answers };
  }
}

/** A server process a scenario runs against. */
export interface ScenarioServer {
  readonly url: string;
  readonly pid: number;
}

export interface LoadFigures {
  /** The server's peak resident memory over the whole scenario, setup included. */
  readonly peakRssBytes: number;
  /** The slowest answer another client got while it ran, net of waiting for a CPU. */
  readonly slowestOtherClientMs: number;
  /** The same, wall clock (on a busy machine, mostly other processes' time). */
  readonly slowestOtherClientWallMs: number;
  readonly otherClientAnswers: number;
}

async function withLoadFigures<T>(
  server: ScenarioServer,
  request: { method: string; params: unknown },
  run: (started: () => Promise<void>) => Promise<T>,
): Promise<T & LoadFigures> {
  const memory = new ResidentMemorySampler(server.pid);
  let latency: LatencyProbe | undefined;
  try {
    const outcome = await run(async () => {
      latency = await LatencyProbe.start(server, request.method, request.params);
    });
    const running: LatencyProbe | undefined = latency;
    latency = undefined;
    const other = running === undefined ? { slowestMs: 0, slowestWallMs: 0, answers: 0 } : await running.stop();
    return {
      ...outcome,
      peakRssBytes: memory.stop(),
      slowestOtherClientMs: other.slowestMs,
      slowestOtherClientWallMs: other.slowestWallMs,
      otherClientAnswers: other.answers,
    };
  } finally {
    memory.stop();
    await latency?.stop().catch(() => undefined);
  }
}

/** Runs `count` tasks with at most `window` in flight, in order of start. */
async function pipelined(count: number, window: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, count) }, async () => {
      while (next < count) await task((next += 1) - 1);
    }),
  );
}

const textTurn = (threadId: string, text: string) => ({ threadId, input: [{ type: "text", text }] });

/**
 * Item 2a: `rows` rows of `rowChars` characters in a thread nobody has loaded, then `lists`
 * pipelined `thread/queue/list` (limit 100) from a client that reads its answers — or stops
 * reading them and hangs up after `hangMs`. Another client lists the same thread meanwhile.
 */
export async function pipelinedListsOfLargeRows(
  server: ScenarioServer,
  options: { threadId: string; rows: number; rowChars: number; lists: number; reading: boolean; hangMs?: number },
): Promise<LoadFigures & { answers: number; largestAnswerChars: number; rowsPerAnswer: number[] }> {
  const { threadId } = options;
  return withLoadFigures(server, { method: "thread/queue/list", params: { threadId, limit: 1 } }, async (startProbe) => {
    const adder = await LeanClient.connect(server.url);
    for (let i = 0; i < options.rows; i += 1) {
      await adder.call("thread/queue/add", { threadId, turnStartParams: textTurn(threadId, `${i} `.padEnd(options.rowChars, "x")) });
    }
    adder.terminate();
    await startProbe();
    const lister = await LeanClient.connect(server.url);
    if (!options.reading) lister.stopReading();
    const answers = Array.from({ length: options.lists }, () => lister.request("thread/queue/list", { threadId, limit: 100 }));
    if (!options.reading) {
      await sleep(options.hangMs ?? 3_000);
      lister.terminate();
      return { answers: 0, largestAnswerChars: 0, rowsPerAnswer: [] };
    }
    const pages = await Promise.all(answers);
    lister.terminate();
    return {
      answers: pages.length,
      largestAnswerChars: lister.largestAnswer,
      rowsPerAnswer: pages.map((page) => ((page.result as { data?: unknown[] } | undefined)?.data ?? []).length),
    };
  });
}

/**
 * Item 2b: a writer starts a thread and keeps it busy with a long turn; a subscriber resumes it
 * and stops reading; the writer adds `adds` rows of `rowChars` characters (8 in flight), each
 * followed by a snapshot of the whole queue to both. Then the subscriber reads again.
 */
export async function stalledSubscriber(
  server: ScenarioServer,
  options: { adds: number; rowChars: number; busy: boolean; window?: number },
): Promise<
  LoadFigures & {
    threadId: string;
    /** Whether the server closed the stalled subscriber's connection. */
    subscriberDropped: boolean;
    /** Rows in the newest snapshot the stalled subscriber got once it read again (undefined if dropped). */
    subscriberLatestRows: number | undefined;
    subscriberSnapshots: number;
    writerSnapshots: number;
    writerLatestRows: number | undefined;
  }
> {
  const writer = await LeanClient.connect(server.url);
  const started = await writer.call("thread/start", {});
  const threadId = (started.thread as { id: string }).id;
  return withLoadFigures(server, { method: "thread/queue/list", params: { threadId, limit: 1 } }, async (startProbe) => {
    if (options.busy) await writer.call("turn/start", textTurn(threadId, "keeps the thread busy"));
    const subscriber = await LeanClient.connect(server.url);
    await subscriber.call("thread/resume", { threadId });
    subscriber.stopReading();
    let dropped = false;
    void subscriber.closed.then(() => (dropped = true));
    await startProbe();
    await pipelined(options.adds, options.window ?? 8, async (i) => {
      const params = { threadId, turnStartParams: textTurn(threadId, `${i} `.padEnd(options.rowChars, "y")) };
      // When turns run, a busy machine may run them more slowly than rows come: a full queue
      // is waited out, as a client would.
      for (let attempt = 0; ; attempt += 1) {
        const answer = await writer.request("thread/queue/add", params);
        if (!("error" in answer)) return;
        const full = String((answer.error as { message?: unknown }).message).startsWith("queue is full");
        if (!full || attempt >= 1_000) throw new Error(`thread/queue/add: ${JSON.stringify(answer.error)}`);
        await sleep(20);
      }
    });
    const expectedRows = options.busy ? options.adds : 0;
    // The writer reads everything: its newest snapshot ends up being the whole queue.
    const deadline = performance.now() + 60_000;
    while ((writer.latestSnapshotIds(threadId)?.length ?? -1) !== expectedRows && performance.now() < deadline) await sleep(50);
    const writerSnapshots = writer.notificationCount;
    // Reading again is also how a client learns that the server hung up on it.
    subscriber.resumeReading();
    while (!dropped && (subscriber.latestSnapshotIds(threadId)?.length ?? -1) !== expectedRows && performance.now() < deadline) await sleep(50);
    if (!dropped) await Promise.race([subscriber.closed, sleep(200)]);
    const subscriberLatestRows = dropped ? undefined : subscriber.latestSnapshotIds(threadId)?.length;
    const subscriberSnapshots = subscriber.notificationCount;
    subscriber.terminate();
    writer.terminate();
    return {
      threadId,
      subscriberDropped: dropped,
      subscriberLatestRows,
      subscriberSnapshots,
      writerSnapshots,
      writerLatestRows: writer.latestSnapshotIds(threadId)?.length,
    };
  });
}

/**
 * Item 4: `rows` small rows added (pipelined), then one reorder that reverses them all. Returns
 * how long the reorder took and what the server answered and then listed.
 */
export async function reorderWholeQueue(
  server: ScenarioServer,
  options: { threadId: string; rows: number },
): Promise<{ reorderMs: number; reorderWallMs: number; addMs: number; requestedIds: string[]; answeredIds: string[]; listedIds: string[] }> {
  const { threadId } = options;
  const client = await LeanClient.connect(server.url);
  try {
    const added: string[] = new Array<string>(options.rows);
    const addStarted = performance.now();
    await pipelined(options.rows, 128, async (i) => {
      const result = await client.call("thread/queue/add", { threadId, turnStartParams: textTurn(threadId, `row ${i}`) });
      added[i] = (result.queuedTurn as { id: string }).id;
    });
    const addMs = performance.now() - addStarted;
    const requestedIds = [...added].reverse();
    const timed = await timeNetOfContention(server.pid, () => client.call("thread/queue/reorder", { threadId, queuedTurnIds: requestedIds }));
    const result = timed.value;
    const answeredIds = (result.queuedTurns as Array<{ id: string }>).map((row) => row.id);
    const listedIds: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await client.call("thread/queue/list", { threadId, cursor, limit: 100 });
      listedIds.push(...(page.data as Array<{ id: string }>).map((row) => row.id));
      cursor = (page.nextCursor as string | null | undefined) ?? null;
    } while (cursor !== null);
    return { reorderMs: timed.netMs, reorderWallMs: timed.wallMs, addMs, requestedIds, answeredIds, listedIds };
  } finally {
    client.terminate();
  }
}

/** Item 5: a client starts `threads` threads (pipelined) and leaves. Returns their ids. */
export async function startThreadsAndLeave(url: string, threads: number): Promise<string[]> {
  const client = await LeanClient.connect(url);
  const ids = new Array<string>(threads);
  await pipelined(threads, 128, async (i) => {
    ids[i] = ((await client.call("thread/start", {})).thread as { id: string }).id;
  });
  client.terminate();
  return ids;
}
