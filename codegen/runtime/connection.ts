/// <reference types="node" />
/**
 * The request/response engine on top of a `Transport`, untyped at the method level: string
 * methods, unknown params and results. The generated client adds the types on top; tests and
 * tools can use it directly.
 *
 * It sends requests with increasing integer ids and tracks each until its response, its
 * timeout or the end of the connection; routes notifications to their handlers; and answers
 * the peer's requests with the registered handler's result or error (-32601 when none).
 * Problems that belong to no request go to `onerror`; they never throw out of the loop.
 */
import {
  connectionClosed,
  internalError,
  isRpcError,
  methodNotFound,
  requestTimeout,
  RpcError,
} from "./errors.js";
import {
  classifyMessage,
  errorResponse,
  successResponse,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcSuccess,
} from "./jsonrpc.js";
import type { Transport } from "./transport.js";

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ConnectionOptions {
  /** Per-request default; 0 or Infinity waits forever. */
  requestTimeoutMs?: number | undefined;
  /** Send `"jsonrpc": "2.0"` on outgoing requests and notifications (Codex does not). */
  sendJsonrpcMember?: boolean | undefined;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Aborting rejects the call with the signal's reason; a late response is then ignored. */
  signal?: AbortSignal;
}

export type NotificationHandler = (params: unknown) => void | Promise<void>;
export type RequestHandler = (params: unknown) => unknown;

interface PendingRequest {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class JsonRpcConnection {
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private readonly transport: Transport;
  private readonly requestTimeoutMs: number;
  private readonly envelope: { jsonrpc?: "2.0" };
  private nextId = 1;
  private readonly pending = new Map<JsonRpcId, PendingRequest>();
  private readonly notificationHandlers = new Map<string, Set<NotificationHandler>>();
  private readonly requestHandlers = new Map<string, RequestHandler>();
  private fallbackNotificationHandler: ((method: string, params: unknown) => void) | undefined;
  private closed = false;

  constructor(transport: Transport, options: ConnectionOptions = {}) {
    this.transport = transport;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.envelope = options.sendJsonrpcMember ? { jsonrpc: "2.0" } : {};
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Number of requests awaiting a response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  async start(): Promise<void> {
    this.transport.onmessage = (value) => this.receive(value);
    this.transport.onframeerror = (error) => this.reportError(error);
    this.transport.onerror = (error) => this.reportError(error);
    this.transport.onclose = () => this.handleClose();
    await this.transport.start();
  }

  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(connectionClosed());
    if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
    const id = this.nextId++;
    const message: JsonRpcRequest = { ...this.envelope, id, method };
    if (params !== undefined) message.params = params;

    return new Promise<unknown>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const signal = options.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => settle(() => reject(abortReason(signal!)));
      const settle = (finish: () => void): void => {
        if (!this.pending.delete(id)) return;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        finish();
      };
      this.pending.set(id, {
        method,
        resolve: (result) => settle(() => resolve(result)),
        reject: (error) => settle(() => reject(error)),
      });
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => settle(() => reject(requestTimeout(method, timeoutMs))), timeoutMs);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      // Called synchronously (not deferred) so that calls go out in the order they were made.
      let sent: Promise<void>;
      try {
        sent = this.transport.send(message);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.catch((error: unknown) => settle(() => reject(toError(error))));
    });
  }

  async notify(method: string, params?: unknown): Promise<void> {
    if (this.closed) throw connectionClosed();
    const message: JsonRpcNotification = { ...this.envelope, method };
    if (params !== undefined) message.params = params;
    await this.transport.send(message);
  }

  /** Several handlers may listen to one method; returns a function that unregisters. */
  onNotification(method: string, handler: NotificationHandler): () => void {
    let handlers = this.notificationHandlers.get(method);
    if (!handlers) {
      handlers = new Set();
      this.notificationHandlers.set(method, handlers);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) this.notificationHandlers.delete(method);
    };
  }

  /** Receives notifications that no method handler took. */
  setFallbackNotificationHandler(handler: ((method: string, params: unknown) => void) | undefined): void {
    this.fallbackNotificationHandler = handler;
  }

  /** One handler per method: a second registration is a bug, so it throws. */
  onRequest(method: string, handler: RequestHandler): () => void {
    if (this.requestHandlers.has(method)) {
      throw new Error(`a request handler for ${method} is already registered`);
    }
    this.requestHandlers.set(method, handler);
    return () => {
      if (this.requestHandlers.get(method) === handler) this.requestHandlers.delete(method);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.transport.close();
    // Transports fire onclose themselves; this covers one that closed without telling.
    this.handleClose();
  }

  private receive(value: unknown): void {
    const classified = classifyMessage(value);
    switch (classified.kind) {
      case "response":
        this.settleResponse(classified.message);
        return;
      case "error":
        this.settleResponse(classified.message);
        return;
      case "notification":
        this.dispatchNotification(classified.message);
        return;
      case "request":
        void this.answerRequest(classified.message);
        return;
      case "invalid":
        this.reportError(new Error(`received an invalid message: ${classified.reason}`));
        return;
    }
  }

  private settleResponse(message: JsonRpcSuccess | JsonRpcErrorResponse): void {
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (!pending) {
      const what = "error" in message ? `error response (${message.error.message})` : "response";
      this.reportError(new Error(`received a ${what} for unknown request id ${String(message.id)}`));
      return;
    }
    if ("error" in message) pending.reject(RpcError.fromJson(message.error));
    else pending.resolve(message.result);
  }

  private dispatchNotification(message: JsonRpcNotification): void {
    const handlers = this.notificationHandlers.get(message.method);
    if (!handlers) {
      this.fallbackNotificationHandler?.(message.method, message.params);
      return;
    }
    for (const handler of [...handlers]) {
      Promise.resolve()
        .then(() => handler(message.params))
        .catch((error: unknown) => this.reportError(toError(error)));
    }
  }

  private async answerRequest(request: JsonRpcRequest): Promise<void> {
    const handler = this.requestHandlers.get(request.method);
    let reply: JsonRpcMessage;
    try {
      if (!handler) throw methodNotFound(request.method);
      const result = await Promise.resolve().then(() => handler(request.params));
      reply = successResponse(request, result === undefined ? null : result);
    } catch (error) {
      if (!isRpcError(error)) this.reportError(toError(error));
      const rpcError = isRpcError(error) ? error : internalError(toError(error).message);
      reply = errorResponse(request.id, rpcError.toJson(), request.jsonrpc === "2.0");
    }
    if (this.closed) return;
    await this.transport.send(reply).catch((error: unknown) => this.reportError(toError(error)));
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    const error = connectionClosed();
    for (const pending of [...this.pending.values()]) pending.reject(error);
    this.onclose?.();
  }

  private reportError(error: Error): void {
    this.onerror?.(error);
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function abortReason(signal: AbortSignal): Error {
  return toError(signal.reason ?? new Error("The operation was aborted"));
}
