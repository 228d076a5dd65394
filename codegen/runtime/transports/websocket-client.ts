/// <reference types="node" />
/**
 * Client transport that dials a WebSocket server: one JSON message per text frame, optional
 * headers (e.g. `Authorization: Bearer …`). A refused upgrade rejects `start()` with the
 * HTTP status, so callers can tell "wrong token" (401) from "not allowed" (403).
 *
 * It dials with the `ws` package, loaded when `start()` runs: `ws` is an optional dependency
 * that only WebSocket users install, so importing the client never needs it, and its name is
 * not a static import (a project compiling this file needs no type declarations for it).
 */
import type { IncomingMessage } from "node:http";
import { connectionClosed } from "../errors.js";
import type { JsonRpcMessage } from "../jsonrpc.js";
import type { Transport } from "../transport.js";
import { WebSocketTransport, type WebSocketLike } from "./websocket-socket.js";

/** A dialing `ws` socket: a `WebSocketLike` that also reports how its opening handshake went. */
interface DialingSocket extends WebSocketLike {
  on(event: "message", listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "open", listener: () => void): unknown;
  on(event: "unexpected-response", listener: (request: unknown, response: IncomingMessage) => void): unknown;
  once(event: "close", listener: () => void): unknown;
  once(event: "upgrade", listener: (response: IncomingMessage) => void): unknown;
  off(event: "open" | "error" | "unexpected-response", listener: (...args: never[]) => void): unknown;
}

type WebSocketConstructor = new (url: string, options: { headers?: Record<string, string> | undefined; maxPayload?: number | undefined; handshakeTimeout?: number | undefined }) => DialingSocket;

/** The name of the package, held in a variable so that compilers do not resolve it. */
const WS_PACKAGE: string = "ws";

async function loadWebSocket(): Promise<WebSocketConstructor> {
  try {
    const loaded = (await import(WS_PACKAGE)) as { default: WebSocketConstructor };
    return loaded.default;
  } catch (cause) {
    throw new Error(`WebSocketClientTransport needs the "ws" package (npm install ws): ${(cause as Error).message}`, { cause });
  }
}

export interface WebSocketClientTransportOptions {
  url: string;
  headers?: Record<string, string>;
  /** Largest incoming frame accepted, in bytes (ws closes the socket with 1009 beyond it). */
  maxPayload?: number;
  /** How long the opening handshake may take. */
  handshakeTimeoutMs?: number;
  closeTimeoutMs?: number;
}

/** The server refused the upgrade with an HTTP status. */
export class WebSocketUpgradeError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(`WebSocket upgrade refused with HTTP ${status}${body ? `: ${body}` : ""}`);
    this.name = "WebSocketUpgradeError";
    this.status = status;
    this.body = body;
  }
}

export class WebSocketClientTransport implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private readonly options: WebSocketClientTransportOptions;
  private inner: WebSocketTransport | undefined;
  private closeRequested = false;

  constructor(options: WebSocketClientTransportOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    if (this.inner) throw new Error("WebSocketClientTransport already started");
    const WebSocket = await loadWebSocket();
    const socket = new WebSocket(this.options.url, {
      headers: this.options.headers,
      maxPayload: this.options.maxPayload,
      handshakeTimeout: this.options.handshakeTimeoutMs,
    });
    // ws reports the handshake's response, and with it the TCP socket, just before 'open'.
    let underlyingSocket: IncomingMessage["socket"] | undefined;
    socket.once("upgrade", (response) => (underlyingSocket = response.socket));
    await opened(socket);
    const inner = new WebSocketTransport(socket, {
      ...(this.options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: this.options.closeTimeoutMs }),
      ...(underlyingSocket === undefined ? {} : { underlyingSocket }),
    });
    inner.onmessage = (message, text) => this.onmessage?.(message, text);
    inner.onframeerror = (error) => (this.onframeerror ? this.onframeerror(error) : this.onerror?.(error));
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => this.onclose?.();
    this.inner = inner;
    await inner.start();
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (!this.inner || this.closeRequested) return Promise.reject(connectionClosed());
    return this.inner.send(message);
  }

  async close(): Promise<void> {
    this.closeRequested = true;
    if (!this.inner) {
      this.onclose?.();
      return;
    }
    await this.inner.close();
  }
}

function opened(socket: DialingSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off("open", onOpen);
      socket.off("error", onError);
      socket.off("unexpected-response", onUnexpected);
    };
    const onOpen = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onUnexpected = (_request: unknown, response: IncomingMessage): void => {
      cleanup();
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      response.on("end", () => {
        // Aborting a handshake emits one last 'error'; it is already reported as the rejection.
        socket.on("error", () => {});
        socket.terminate();
        reject(new WebSocketUpgradeError(response.statusCode ?? 0, body.trim()));
      });
      response.on("error", () => reject(new WebSocketUpgradeError(response.statusCode ?? 0, "")));
    };
    socket.on("open", onOpen);
    socket.on("error", onError);
    socket.on("unexpected-response", onUnexpected);
  });
}
