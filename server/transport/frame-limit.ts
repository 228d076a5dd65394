/**
 * The frame size limit on WebSocket connections, answered rather than enforced by a hang-up.
 *
 * ws can only refuse a frame over its `maxPayload` by closing the socket (1009): the client
 * loses every request in flight and its subscriptions, and learns nothing a JSON-RPC client
 * can show. So ws is given a hard cap of twice the limit, and a frame between the limit and
 * the cap is read, dropped and answered `{id: null, error: -32700 "Parse error: message
 * exceeds the limit of N bytes"}` — what stdio answers for an over-long line — and the
 * connection carries on. Only a frame beyond the hard cap still closes the socket with 1009,
 * so memory per connection stays bounded.
 */
import type WebSocket from "ws";
import { parseError } from "../../generated/runtime/errors.js";
import type { JsonRpcMessage } from "../../generated/runtime/jsonrpc.js";
import { reportFrameError, type Transport } from "../../generated/runtime/transport.js";
import type { WebSocketTransport } from "../../generated/runtime/transports/websocket-socket.js";

/** What ws is told: frames up to this size are read (and answered if over the limit). */
export function hardFrameCap(limit: number): number {
  return limit * 2;
}

function byteLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

/** Wraps a socket transport; frames over `limit` bytes become frame errors instead of messages. */
export class FrameLimitedTransport implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  /** Set by our 'message' listener, read by the inner transport's, which runs right after it. */
  private oversized = false;

  constructor(
    private readonly inner: WebSocketTransport,
    private readonly limit: number,
    readonly peerName?: string,
  ) {
    // Registered now, before inner.start() adds its own listener, so it sees each frame first.
    inner.socket.on("message", (data: WebSocket.RawData) => {
      this.oversized = byteLength(data) > limit;
    });
    inner.onmessage = (message, text) => this.deliver(() => this.onmessage?.(message, text));
    inner.onframeerror = (error) => this.deliver(() => reportFrameError(this, error));
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => this.onclose?.();
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JsonRpcMessage): Promise<void> {
    return this.inner.send(message);
  }

  sendSerialized(message: Uint8Array): Promise<void> {
    return this.inner.sendSerialized(message);
  }

  pauseInput(): void {
    this.inner.pauseInput();
  }

  resumeInput(): void {
    this.inner.resumeInput();
  }

  abort(reason: string): void {
    this.inner.abort(reason);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private deliver(pass: () => void): void {
    if (!this.oversized) return pass();
    this.oversized = false;
    reportFrameError(this, parseError(`message exceeds the limit of ${this.limit} bytes`));
  }
}
