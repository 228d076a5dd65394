import { describe, expect, it } from "vitest";
import { TickCork, type Corkable } from "./tick-cork.js";
import { WebSocketTransport, type WebSocketLike, type WebSocketRawData } from "./transports/websocket-socket.js";

/** A stream that records its cork depth and what was written at which depth. */
class RecordingStream implements Corkable {
  depth = 0;
  readonly calls: string[] = [];
  cork(): void {
    this.depth += 1;
    this.calls.push("cork");
  }
  uncork(): void {
    this.depth -= 1;
    this.calls.push("uncork");
  }
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe("TickCork", () => {
  it("corks once per synchronous run and uncorks on the next tick", async () => {
    const stream = new RecordingStream();
    const cork = new TickCork(stream);
    cork.hold();
    cork.hold();
    cork.hold();
    expect(stream.calls).toEqual(["cork"]);
    await nextTick();
    expect(stream.calls).toEqual(["cork", "uncork"]);
    cork.hold();
    expect(stream.depth).toBe(1);
    await nextTick();
    expect(stream.calls).toEqual(["cork", "uncork", "cork", "uncork"]);
  });
});

/** An open ws socket that records, per frame sent, whether the TCP socket under it was corked. */
class FakeSocket implements WebSocketLike {
  readonly readyState = 1;
  readonly sentWhileCorked: boolean[] = [];
  constructor(private readonly underlying: RecordingStream) {}
  on(_event: "message" | "error", _listener: ((data: WebSocketRawData, isBinary: boolean) => void) | ((error: Error) => void)): unknown {
    return this;
  }
  once(_event: "close", _listener: () => void): unknown {
    return this;
  }
  pause(): void {}
  resume(): void {}
  send(_data: string | Uint8Array, _options: { binary: boolean }, callback: (error?: Error) => void): void {
    this.sentWhileCorked.push(this.underlying.depth > 0);
    queueMicrotask(() => callback());
  }
  close(): void {}
  terminate(): void {}
}

describe("WebSocketTransport with its underlying socket", () => {
  it("sends the frames of one synchronous run while the TCP socket is corked, and uncorks it after", async () => {
    const underlying = new RecordingStream();
    const socket = new FakeSocket(underlying);
    const transport = new WebSocketTransport(socket, { underlyingSocket: underlying });
    const sent = [1, 2, 3].map((n) => transport.send({ method: "note", params: { n } }));
    expect(socket.sentWhileCorked).toEqual([true, true, true]);
    expect(underlying.calls).toEqual(["cork"]);
    await Promise.all(sent);
    await nextTick();
    expect(underlying.calls).toEqual(["cork", "uncork"]);
    expect(transport.framesWritten).toBe(3);
  });

  it("sends each frame on its own without one", async () => {
    const underlying = new RecordingStream();
    const socket = new FakeSocket(underlying);
    const transport = new WebSocketTransport(socket);
    await Promise.all([transport.send({ method: "a" }), transport.send({ method: "b" })]);
    expect(socket.sentWhileCorked).toEqual([false, false]);
    expect(underlying.calls).toEqual([]);
  });
});
