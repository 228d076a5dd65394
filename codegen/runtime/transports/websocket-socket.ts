/// <reference types="node" />
/**
 * A `Transport` over one open `ws` WebSocket, whichever side opened it: one JSON message per
 * text frame. The client transport dials and then wraps its socket in this; the server wraps
 * each accepted socket.
 *
 * The socket is typed by what this module uses of it (`WebSocketLike`, which a `ws` socket
 * is), not by importing `ws`: the package is optional, needed only by whoever opens sockets,
 * and a project compiling this runtime needs neither `ws` nor its type declarations.
 */
import { connectionClosed } from "../errors.js";
import { binaryFrameError, deliverText } from "../frame-decoding.js";
import type { JsonRpcMessage } from "../jsonrpc.js";
import { TickCork, type Corkable } from "../tick-cork.js";
import { reportFrameError, type Transport } from "../transport.js";

/** A frame's payload as `ws` delivers it. */
export type WebSocketRawData = Buffer | ArrayBuffer | Buffer[];

/** The part of a `ws` WebSocket this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  on(event: "message", listener: (data: WebSocketRawData, isBinary: boolean) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  once(event: "close", listener: () => void): unknown;
  pause(): void;
  resume(): void;
  send(data: string | Uint8Array, options: { binary: boolean }, callback: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** WebSocket ready states (RFC 6455 / WHATWG numbering, as `ws` has them). */
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export interface WebSocketTransportOptions {
  /** How long `close()` waits for the closing handshake before dropping the socket. */
  closeTimeoutMs?: number;
  /**
   * The TCP socket under the WebSocket (the upgrade's `request.socket` on a server, the
   * `upgrade` response's `socket` on a client). Given, frames sent in one synchronous run leave
   * in one write (tick-cork.ts); without it each frame is its own.
   */
  underlyingSocket?: Corkable;
}

export class WebSocketTransport<Socket extends WebSocketLike = WebSocketLike> implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  readonly socket: Socket;
  private readonly closeTimeoutMs: number;
  private readonly cork: TickCork | undefined;
  private started = false;
  private inputPaused = false;
  private written = 0;
  private closeNotified = false;
  private readonly closedPromise: Promise<void>;

  constructor(socket: Socket, options: WebSocketTransportOptions = {}) {
    this.socket = socket;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.cork = options.underlyingSocket === undefined ? undefined : new TickCork(options.underlyingSocket);
    this.closedPromise = new Promise((resolve) => {
      if (socket.readyState === CLOSED) resolve();
      else socket.once("close", () => resolve());
    });
    // Held until start(), so the owner can wire its callbacks without losing early frames;
    // errors are listened to at once because an unheard 'error' event would crash the process.
    socket.pause();
    socket.on("error", (error) => this.onerror?.(error));
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("WebSocketTransport already started");
    this.started = true;
    this.socket.on("message", (data, isBinary) => {
      if (isBinary) {
        reportFrameError(this, binaryFrameError());
        return;
      }
      deliverText(rawDataToString(data), {
        message: (value, text) => this.onmessage?.(value, text),
        frameError: (error) => reportFrameError(this, error),
      });
    });
    if (!this.inputPaused) this.socket.resume();
    void this.closedPromise.then(() => this.notifyClose());
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.socket.readyState !== OPEN) return Promise.reject(connectionClosed());
    return this.sendFrame(JSON.stringify(message));
  }

  /** Frames the socket has taken so far (written to the kernel): the peer is reading. */
  get framesWritten(): number {
    return this.written;
  }

  sendSerialized(message: Uint8Array): Promise<void> {
    return this.sendFrame(message);
  }

  /** One text frame; resolves once ws has handed it to the socket (its write callback). */
  private sendFrame(data: string | Uint8Array): Promise<void> {
    if (this.socket.readyState !== OPEN) return Promise.reject(connectionClosed());
    this.cork?.hold();
    return new Promise((resolve, reject) => {
      this.socket.send(data, { binary: false }, (error) => {
        if (error) return reject(error);
        this.written += 1;
        resolve();
      });
    });
  }

  pauseInput(): void {
    this.inputPaused = true;
    this.socket.pause();
  }

  resumeInput(): void {
    this.inputPaused = false;
    // Before start() the socket stays paused: start() resumes it.
    if (this.started) this.socket.resume();
  }

  abort(_reason: string): void {
    this.socket.terminate();
  }

  /** Closes with 1000 (or the given code); drops the socket if the peer does not answer. */
  async close(code: number = 1000, reason: string = ""): Promise<void> {
    const socket = this.socket;
    if (socket.readyState === CONNECTING || socket.readyState === OPEN) {
      socket.close(code, reason);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.closeTimeoutMs);
    });
    const forced = await Promise.race([this.closedPromise.then(() => false), timedOut]);
    clearTimeout(timer);
    if (forced) {
      socket.terminate();
      await this.closedPromise;
    }
    this.notifyClose();
  }

  private notifyClose(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.onclose?.();
  }
}

function rawDataToString(data: WebSocketRawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
