/**
 * WebSocket listener: an HTTP server whose upgrades become JSON-RPC connections (one
 * `Transport` per socket, one JSON message per text frame), plus the two probe endpoints
 * `/readyz` and `/healthz`. Every other plain HTTP request gets 404.
 *
 * Refusals (origin, token) happen on the upgrade request, before any socket exists — see
 * upgrade-policy.ts. A frame larger than `maxPayload` is answered with -32700 and the socket
 * stays open; only one larger than twice that makes ws close the socket with 1009 (see
 * frame-limit.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Transport } from "../../generated/runtime/transport.js";
import { WebSocketTransport } from "../../generated/runtime/transports/websocket-socket.js";
import { FrameLimitedTransport, hardFrameCap } from "./frame-limit.js";
import { decideUpgrade, type UpgradePolicy } from "./upgrade-policy.js";

export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

export interface WebSocketConnectionInfo {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  /** The upgrade request's path, with its query string. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface WebSocketListenerOptions extends UpgradePolicy {
  /** Called for each accepted socket; the receiver starts the transport. */
  onconnection: (transport: Transport, info: WebSocketConnectionInfo) => void;
  /** Largest incoming frame in bytes; larger ones are answered -32700 (up to twice this, then 1009). */
  maxPayload?: number;
  /** `/readyz` answers 503 while this returns false (e.g. during start-up or shutdown). */
  isReady?: () => boolean;
  /** How long `close()` waits for each client's closing handshake. */
  closeTimeoutMs?: number;
  /**
   * Every this many ms each client is pinged; one that has not answered the previous ping is
   * dropped, so a vanished peer (sleeping laptop, cut network) does not hold its connection
   * and subscriptions forever. 0 disables. Default 30 000.
   */
  heartbeatIntervalMs?: number;
  /** Errors of the listener itself (not of a connection). */
  onerror?: (error: Error) => void;
}

export interface ListenAddress {
  host?: string;
  /** 0 picks a free port; the actual one is in the result. */
  port: number;
}

export interface ListeningAddress {
  host: string;
  port: number;
  /** ws://host:port/ — brackets around IPv6 hosts. */
  url: string;
}

const DEFAULT_HOST = "127.0.0.1";

export class WebSocketListener {
  private readonly options: WebSocketListenerOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WebSocketTransport<WebSocket>>();
  /** Sockets that have not answered the latest ping → frames written to them when it was sent. */
  private readonly unanswered = new WeakMap<WebSocket, number>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closing = false;
  private bound: ListeningAddress | undefined;

  constructor(options: WebSocketListenerOptions) {
    this.options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: hardFrameCap(options.maxPayload ?? DEFAULT_MAX_PAYLOAD_BYTES),
    });
    this.http = createServer((request, response) => this.answerHttp(request, response));
    this.http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    this.http.on("error", (error) => this.options.onerror?.(error));
  }

  get address(): ListeningAddress | undefined {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(address: ListenAddress): Promise<ListeningAddress> {
    const host = address.host ?? DEFAULT_HOST;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.http.once("error", onError);
      this.http.listen(address.port, host, () => {
        this.http.off("error", onError);
        resolve();
      });
    });
    this.startHeartbeat();
    const port = (this.http.address() as AddressInfo).port;
    const urlHost = host.includes(":") ? `[${host}]` : host;
    this.bound = { host, port, url: `ws://${urlHost}:${port}/` };
    return this.bound;
  }

  /** Refuses new connections, closes open ones (1001) and stops listening. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    const stopped = new Promise<void>((resolve) => {
      if (!this.http.listening) resolve();
      else this.http.close(() => resolve());
    });
    await Promise.all(
      [...this.connections].map((transport) => transport.close(1001, "server shutting down")),
    );
    this.http.closeAllConnections();
    this.wss.close();
    await stopped;
  }

  private startHeartbeat(): void {
    const interval = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    if (interval <= 0 || this.heartbeat !== undefined) return;
    this.heartbeat = setInterval(() => {
      for (const transport of this.connections) {
        const socket = transport.socket;
        const written = transport.framesWritten;
        const before = this.unanswered.get(socket);
        // A pong cannot be read while the server has stopped reading a client that is behind
        // (outbound-queue.ts); that its socket keeps taking what it is sent proves it is there.
        if (before !== undefined && !(socket.isPaused && written > before)) {
          socket.terminate();
          continue;
        }
        this.unanswered.set(socket, written);
        socket.ping();
      }
    }, interval);
    // The heartbeat alone must not keep the process running.
    this.heartbeat.unref();
  }

  private answerHttp(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const probe = path === "/healthz" || path === "/readyz";
    if (!probe) return sendJson(response, 404, { error: "not found" });
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      return sendJson(response, 405, { error: "method not allowed" });
    }
    if (path === "/healthz") return sendJson(response, 200, { status: "ok" });
    const ready = !this.closing && (this.options.isReady?.() ?? true);
    sendJson(response, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if (this.closing) return refuseUpgrade(socket, 503, "server shutting down");
    const decision = decideUpgrade(request.headers, this.options);
    if (!decision.ok) return refuseUpgrade(socket, decision.status, decision.message);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const closeTimeoutMs = this.options.closeTimeoutMs;
    const socketTransport = new WebSocketTransport(ws, {
      ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
      underlyingSocket: request.socket,
    });
    const remote = request.socket.remoteAddress;
    const peerName = remote === undefined ? "a WebSocket client" : `${remote.includes(":") ? `[${remote}]` : remote}:${request.socket.remotePort ?? "?"}`;
    const transport = new FrameLimitedTransport(socketTransport, this.options.maxPayload ?? DEFAULT_MAX_PAYLOAD_BYTES, peerName);
    this.connections.add(socketTransport);
    ws.once("close", () => this.connections.delete(socketTransport));
    ws.on("pong", () => this.unanswered.delete(ws));
    const info: WebSocketConnectionInfo = {
      remoteAddress: request.socket.remoteAddress,
      remotePort: request.socket.remotePort,
      url: request.url ?? "/",
      headers: request.headers,
    };
    try {
      this.options.onconnection(transport, info);
    } catch (error) {
      this.options.onerror?.(error instanceof Error ? error : new Error(String(error)));
      ws.terminate();
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  response.end(text);
}

const STATUS_TEXT: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  503: "Service Unavailable",
};

/** Written by hand because the socket is no longer an HTTP response once upgrade fired. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="thread-queue"'] : []),
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${headers.join("\r\n")}\r\n\r\n${body}`);
}
