/**
 * A `Transport` over one open `ws` WebSocket, whichever side opened it: one JSON message per
 * text frame. The client transport dials and then wraps its socket in this; the server wraps
 * each accepted socket.
 */
import WebSocket from "ws";
import { connectionClosed } from "../errors.js";
import { binaryFrameError, deliverText } from "../frame-decoding.js";
import { serializeMessage, type JsonRpcMessage } from "../jsonrpc.js";
import { reportFrameError, type Transport } from "../transport.js";

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export interface WebSocketTransportOptions {
  /** How long `close()` waits for the closing handshake before dropping the socket. */
  closeTimeoutMs?: number;
}

export class WebSocketTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  readonly socket: WebSocket;
  private readonly closeTimeoutMs: number;
  private started = false;
  private closeNotified = false;
  private readonly closedPromise: Promise<void>;

  constructor(socket: WebSocket, options: WebSocketTransportOptions = {}) {
    this.socket = socket;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.closedPromise = new Promise((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) resolve();
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
        message: (value) => this.onmessage?.(value),
        frameError: (error) => reportFrameError(this, error),
      });
    });
    this.socket.resume();
    void this.closedPromise.then(() => this.notifyClose());
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(connectionClosed());
    const text = serializeMessage(message);
    return new Promise((resolve, reject) => {
      this.socket.send(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes with 1000 (or the given code); drops the socket if the peer does not answer. */
  async close(code: number = 1000, reason: string = ""): Promise<void> {
    const socket = this.socket;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
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

function rawDataToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
