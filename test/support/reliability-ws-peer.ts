/**
 * The WebSocket twin of `RawStdioPeer`: sends arbitrary frames (text with any bytes, binary)
 * and records every frame the server sends back, so bad-input tests can run unchanged over
 * both transports. Same reading interface: `next()` and `drainLines()`.
 */
import WebSocket from "ws";

export interface RawWebSocketPeerOptions {
  headers?: Record<string, string>;
  /** Largest frame accepted from the server (the client side's own limit). */
  maxPayload?: number;
}

export class RawWebSocketPeer {
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  /** The close code and reason, once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: WebSocket.RawData) => {
      this.lines.push(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"));
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, options: RawWebSocketPeerOptions = {}): Promise<RawWebSocketPeer> {
    const socket = new WebSocket(url, { headers: options.headers ?? {}, maxPayload: options.maxPayload ?? 256 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new RawWebSocketPeer(socket)));
      socket.once("unexpected-response", (_request, response) => {
        reject(new UpgradeRefused(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once("error", reject);
    });
  }

  /** One text frame carrying exactly these bytes (not checked for UTF-8 on this side). */
  write(raw: string | Buffer): void {
    this.socket.send(raw, { binary: false });
  }

  writeBinary(raw: Buffer): void {
    this.socket.send(raw, { binary: true });
  }

  send(message: unknown): void {
    this.write(JSON.stringify(message));
  }

  /** The next frame from the server, parsed; fails after `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return JSON.parse(this.lines.shift() as string) as Record<string, unknown>;
  }

  drainLines(): string[] {
    return this.lines.splice(0);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Stops reading the socket (what the server sends piles up in the kernel, then in the server). */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Bytes this side has queued but not yet handed to the kernel. */
  get unsentBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Drops the connection without a closing handshake, as a crashed or vanished client does. */
  terminate(): void {
    this.socket.terminate();
  }

  close(): void {
    this.socket.close();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}
