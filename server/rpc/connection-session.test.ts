import { describe, expect, it, vi } from "vitest";
import type { JsonRpcMessage } from "../../generated/runtime/jsonrpc.js";
import type { Transport } from "../../generated/runtime/transport.js";
import type { InitializeParams } from "../../generated/types/index.js";
import type { Logger } from "../logger.js";
import { PreparedNotification } from "../threads/prepared-notification.js";
import { ConnectionSession, type RequestDispatcher } from "./connection-session.js";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A transport whose writes complete only when the test lets them (a peer that reads slowly). */
class SlowPeer implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onclose?: () => void;
  readonly written: JsonRpcMessage[] = [];
  /** The byte arrays handed over, as they were. */
  readonly serialized: Uint8Array[] = [];
  paused = false;
  private readonly waiting: Array<() => void> = [];
  async start(): Promise<void> {}
  async send(message: JsonRpcMessage): Promise<void> {
    this.written.push(message);
  }
  sendSerialized(data: Uint8Array): Promise<void> {
    this.serialized.push(data);
    this.written.push(JSON.parse(Buffer.from(data).toString("utf8")) as JsonRpcMessage);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  pauseInput(): void {
    this.paused = true;
  }
  resumeInput(): void {
    this.paused = false;
  }
  async close(): Promise<void> {}
  /** Lets every write made so far complete. */
  async read(): Promise<void> {
    while (this.waiting.length > 0) {
      this.waiting.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  request(id: number, method: string, params: unknown = {}): void {
    const text = JSON.stringify({ id, method, params });
    this.onmessage?.(JSON.parse(text), text);
  }
}

async function session(dispatch: (method: string, params: unknown) => unknown, outbound = { pauseBytes: 1_000_000, maxBytes: 10_000_000 }) {
  const peer = new SlowPeer();
  const started: string[] = [];
  const dispatcher: RequestDispatcher = {
    knows: () => true,
    dispatchNotification: async () => undefined,
    dispatchRequest: async (method, params, ctx) => {
      if (method === "initialize") ctx.session.applyInitialize(params as InitializeParams);
      started.push(method === "thread/queue/add" ? `add ${(params as { n: number }).n}` : method);
      return { result: dispatch(method, params) };
    },
  };
  const connection = new ConnectionSession(peer, dispatcher, {
    maxInFlightRequests: 256,
    outbound,
    answerReservation: (method) => (method === "thread/queue/list" ? 400 : 0),
    logger: quiet,
    onClose: () => undefined,
  });
  peer.request(0, "initialize", { clientInfo: { name: "t", version: "1" }, capabilities: { experimentalApi: true } });
  await new Promise((resolve) => setImmediate(resolve));
  await peer.read();
  return { peer, started, connection };
}

describe("ConnectionSession", () => {
  it("answers -32603 for an answer that cannot be serialized, and carries on", async () => {
    const { peer, connection } = await session((method) => (method === "bad" ? { n: 1n } : {}));
    peer.request(1, "bad");
    peer.request(2, "good");
    await vi.waitFor(async () => {
      await peer.read();
      expect(peer.written.filter((m) => "id" in m && m.id !== 0)).toHaveLength(2);
    });
    expect(peer.written.find((m) => "id" in m && m.id === 1)).toEqual({
      id: 1,
      error: { code: -32603, message: "Internal error: the answer could not be serialized (Do not know how to serialize a BigInt)" },
    });
    expect(peer.written.find((m) => "id" in m && m.id === 2)).toEqual({ id: 2, result: {} });
    await peer.read();
    await connection.idle();
  });

  it("stops reading and starting requests while its answers are unsent, then runs them in arrival order", async () => {
    const { peer, started } = await session(() => ({ pad: "x".repeat(100) }), { pauseBytes: 300, maxBytes: 100_000 });
    for (let n = 1; n <= 3; n += 1) peer.request(n, "thread/queue/add", { n });
    await new Promise((resolve) => setImmediate(resolve));
    // Three answers of ~120 bytes, none read yet, pass 300: the transport is paused, and
    // requests that still arrive (already read from the socket) wait.
    expect(peer.paused).toBe(true);
    for (let n = 4; n <= 10; n += 1) peer.request(n, "thread/queue/add", { n });
    expect(started.filter((s) => s.startsWith("add"))).toHaveLength(3);
    await vi.waitFor(async () => {
      await peer.read();
      expect(started.filter((s) => s.startsWith("add"))).toHaveLength(10);
    });
    expect(started.filter((s) => s.startsWith("add"))).toEqual(Array.from({ length: 10 }, (_, i) => `add ${i + 1}`));
    await peer.read();
    expect(peer.paused).toBe(false);
  });

  it("reserves a list page's room when it starts, so lists started together wait for each other", async () => {
    const { peer, started } = await session(() => ({}), { pauseBytes: 1_000, maxBytes: 100_000 });
    for (let n = 1; n <= 5; n += 1) peer.request(n, "thread/queue/list");
    // 400 bytes each against 1,000, reserved as each starts: the third makes it congested, the rest wait.
    expect(started.filter((s) => s === "thread/queue/list")).toHaveLength(3);
    await vi.waitFor(async () => {
      await peer.read();
      expect(started.filter((s) => s === "thread/queue/list")).toHaveLength(5);
    });
  });

  it("queues a prepared notification's bytes as they are, for every taker, and only a newer snapshot of the same thread replaces it while behind", async () => {
    const a = await session(() => ({}), { pauseBytes: 1, maxBytes: 10_000_000 });
    const b = await session(() => ({}));
    let writes = 0;
    const snapshot = (rows: number) =>
      new PreparedNotification(
        "thread/queue/changed",
        () => {
          writes += 1;
          return JSON.stringify({ threadId: "t", queuedTurns: Array.from({ length: rows }, () => ({})) });
        },
        "t",
      );
    const first = snapshot(1);
    a.connection.notifyPrepared(first);
    b.connection.notifyPrepared(first);
    expect(writes).toBe(1);
    expect(a.peer.serialized.at(-1)).toBe(b.peer.serialized.at(-1));
    // `a` is behind (its first snapshot is still being written): of two more, only the newest goes.
    a.connection.notifyPrepared(snapshot(2));
    a.connection.notifyPrepared(snapshot(3));
    await a.peer.read();
    const lengths = a.peer.written.flatMap((message) =>
      "method" in message && message.method === "thread/queue/changed" ? [(message.params as { queuedTurns: unknown[] }).queuedTurns.length] : [],
    );
    expect(lengths).toEqual([1, 3]);
  });

  it("sends a prepared notification to nobody who opted out of it", async () => {
    const peer = await session(() => ({}));
    peer.connection.applyInitialize({ clientInfo: { name: "t", version: "1" }, capabilities: { experimentalApi: true, optOutNotificationMethods: ["thread/queue/changed"] } });
    let writes = 0;
    const writeParams = () => {
      writes += 1;
      return `{"threadId":"t","queuedTurns":[]}`;
    };
    peer.connection.notifyPrepared(new PreparedNotification("thread/queue/changed", writeParams, "t"));
    await peer.peer.read();
    expect(writes).toBe(0);
    expect(peer.peer.serialized.filter((data) => Buffer.from(data).toString("utf8").includes("thread/queue/changed"))).toEqual([]);
  });
});
