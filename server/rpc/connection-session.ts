/**
 * One client connection: the handshake, capabilities, experimental gating, opt-outs, the
 * in-flight limit, and the order of what goes out. It speaks to a `Transport` and hands
 * requests to the generated dispatcher; it never touches a socket or a stream itself.
 *
 * Handshake states:  new ──initialize──▶ initializing ──ok──▶ ready
 *                                            └──error──▶ new
 * Requests other than `initialize` wait while `initializing` (a pipelining client sends
 * `initialize` and its next requests back to back) and get -32600 `Not initialized` in `new`.
 */
import {
  classifyMessage,
  type JsonRpcErrorObject,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
} from "../../generated/runtime/jsonrpc.js";
import { invalidRequest, parseError, serverOverloaded } from "../../generated/runtime/errors.js";
import type { Transport } from "../../generated/runtime/transport.js";
import { methodInfo, type ServerNotifications } from "../../generated/protocol/methods.js";
import type { InitializeParams } from "../../generated/types/index.js";
import type { NotificationSubscriber } from "../threads/loaded-thread.js";
import type { PreparedNotification } from "../threads/prepared-notification.js";
import type { Logger } from "../logger.js";
import { MAX_NESTING_DEPTH, nestsDeeperThan } from "./nesting-depth.js";
import type { RequestContext } from "./request-context.js";

export interface RequestDispatcher {
  dispatchRequest(
    method: string,
    params: unknown,
    ctx: RequestContext,
  ): Promise<{ result: unknown } | { error: JsonRpcErrorObject }>;
  dispatchNotification(method: string, params: unknown, ctx: RequestContext): Promise<void>;
  knows(method: string): boolean;
}

export interface ConnectionSessionOptions {
  readonly maxInFlightRequests: number;
  readonly logger: Logger;
  /** Called once when the connection is gone (unsubscribe it everywhere). */
  readonly onClose: (session: ConnectionSession) => void;
}

type HandshakeState = "new" | "initializing" | "ready";

const INITIALIZE = "initialize";

function isExperimental(method: string): boolean {
  const info = (methodInfo as Readonly<Record<string, { readonly experimental: boolean } | undefined>>)[method];
  return info?.experimental === true;
}

export class ConnectionSession implements NotificationSubscriber {
  private handshake: HandshakeState = "new";
  private initializing: Promise<void> | undefined;
  private experimentalApi = false;
  private optOut: ReadonlySet<string> = new Set();
  /** Stock JSON-RPC 2.0 peers get `"jsonrpc": "2.0"` on what we send them unprompted. */
  private peerSpeaksJsonRpc2 = false;
  private inFlight = 0;
  /** Requests and notifications being handled, so shutdown can wait for them. */
  private readonly running = new Set<Promise<void>>();
  /** The peer will send nothing more; it is unsubscribed from threads. */
  private inputClosed = false;
  /** Sends leave in the order they were issued, one at a time. */
  private outbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    private readonly dispatcher: RequestDispatcher,
    private readonly options: ConnectionSessionOptions,
  ) {
    transport.onmessage = (message) => this.receive(message);
    transport.onframeerror = (error) => this.answerError(null, error.toJson(), false);
    transport.onerror = (error) => options.logger.warn("transport error", error);
    transport.onclose = () => this.handleClose();
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** Resolves when every message received so far is handled and its answer handed over. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    await this.outbox;
  }

  private track(work: Promise<void>): void {
    const settled = work.catch((error: unknown) => this.options.logger.error("unhandled failure in a request", error));
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  /** Records the client's declared capabilities (the `initialize` handler calls this). */
  applyInitialize(params: InitializeParams): void {
    this.experimentalApi = params.capabilities?.experimentalApi === true;
    this.optOut = new Set(params.capabilities?.optOutNotificationMethods ?? []);
  }

  notify<M extends keyof ServerNotifications & string>(method: M, params: ServerNotifications[M]["params"]): void {
    if (!this.accepts(method)) return;
    this.send(this.envelope({ method, params }, this.peerSpeaksJsonRpc2));
  }

  /** A notification serialised once for every subscriber: a connection that does not take it costs nothing. */
  notifyPrepared(notification: PreparedNotification): void {
    if (!this.accepts(notification.method)) return;
    this.send(notification.message(this.peerSpeaksJsonRpc2));
  }

  private accepts(method: string): boolean {
    if (this.inputClosed || this.handshake !== "ready") return false;
    if (isExperimental(method) && !this.experimentalApi) return false;
    return !this.optOut.has(method);
  }

  private receive(value: unknown): void {
    if (nestsDeeperThan(value, MAX_NESTING_DEPTH)) {
      this.answerError(null, parseError(`message nests deeper than ${MAX_NESTING_DEPTH} levels`).toJson(), false);
      return;
    }
    const classified = classifyMessage(value);
    switch (classified.kind) {
      case "request":
        this.notePeerDialect(classified.message);
        this.track(this.handleRequest(classified.message));
        return;
      case "notification":
        this.notePeerDialect(classified.message);
        this.track(this.handleNotification(classified.message.method, classified.message.params));
        return;
      case "response":
      case "error":
        // This server sends no requests, so no response can be expected: drop it, unanswered.
        this.options.logger.debug(`ignored a response to an unknown request id ${String(classified.message.id)}`);
        return;
      case "invalid":
        this.answerError(classified.id, invalidRequest(`Invalid request: ${classified.reason}`).toJson(), classified.jsonrpc);
        return;
    }
  }

  private notePeerDialect(message: { jsonrpc?: "2.0" }): void {
    if (message.jsonrpc === "2.0") this.peerSpeaksJsonRpc2 = true;
  }

  private async handleRequest(request: JsonRpcRequest): Promise<void> {
    const echo = request.jsonrpc === "2.0";
    if (this.inFlight >= this.options.maxInFlightRequests) {
      this.answerError(request.id, serverOverloaded().toJson(), echo);
      return;
    }
    this.inFlight += 1;
    try {
      await this.runRequest(request, echo);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async runRequest(request: JsonRpcRequest, echo: boolean): Promise<void> {
    const { id, method } = request;
    if (method === INITIALIZE) {
      if (this.handshake !== "new") {
        this.answerError(id, invalidRequest("Already initialized").toJson(), echo);
        return;
      }
      this.handshake = "initializing";
      let finish!: () => void;
      this.initializing = new Promise((resolve) => (finish = resolve));
      try {
        const ok = await this.dispatchAndAnswer(request, echo);
        this.handshake = ok ? "ready" : "new";
      } finally {
        finish();
        this.initializing = undefined;
      }
      return;
    }
    if (this.handshake === "initializing") await this.initializing;
    if (this.handshake !== "ready") {
      this.answerError(id, invalidRequest("Not initialized").toJson(), echo);
      return;
    }
    if (this.dispatcher.knows(method) && isExperimental(method) && !this.experimentalApi) {
      this.answerError(id, invalidRequest(`${method} requires experimentalApi capability`).toJson(), echo);
      return;
    }
    await this.dispatchAndAnswer(request, echo);
  }

  /**
   * Runs the handler, answers, then runs its after-response work — also when the answer became
   * an error after the handler returned (an invalid result under --validate-outgoing): handlers
   * register that work once their change has committed, and its notifications and drains (and
   * the queue's reserved snapshot sends) must happen all the same. True when it succeeded.
   */
  private async dispatchAndAnswer(request: JsonRpcRequest, echo: boolean): Promise<boolean> {
    const after: Array<() => Promise<void> | void> = [];
    const ctx: RequestContext = { session: this, afterResponse: (task) => after.push(task) };
    const outcome = await this.dispatcher.dispatchRequest(request.method, request.params, ctx);
    const ok = !("error" in outcome);
    if ("error" in outcome) this.answerError(request.id, outcome.error, echo);
    else this.send(this.envelope({ id: request.id, result: outcome.result }, echo));
    await this.outbox;
    for (const task of after) {
      try {
        await task();
      } catch (error) {
        this.options.logger.error(`after-response work of ${request.method} failed`, error);
      }
    }
    return ok;
  }

  private async handleNotification(method: string, params: unknown): Promise<void> {
    if (this.handshake === "initializing") await this.initializing;
    if (this.handshake !== "ready" || !this.dispatcher.knows(method)) {
      this.options.logger.debug(`ignored notification ${method}`);
      return;
    }
    const ctx: RequestContext = { session: this, afterResponse: (task) => void task() };
    await this.dispatcher.dispatchNotification(method, params, ctx);
  }

  private answerError(id: JsonRpcId | null, error: JsonRpcErrorObject, echo: boolean): void {
    this.send(this.envelope({ id, error }, echo));
  }

  private envelope<T extends object>(message: T, echo: boolean): T {
    return echo ? { jsonrpc: "2.0", ...message } : message;
  }

  /**
   * The transport's `onclose` means "no more input"; answers to requests already read are
   * still sent (stdio keeps stdout open after stdin EOF). A send on a dead channel rejects,
   * which is expected when a client disconnects with answers pending.
   */
  private send(message: JsonRpcMessage): void {
    this.outbox = this.outbox.then(
      () => this.transport.send(message).catch((error: unknown) => this.options.logger.debug(`send failed: ${String(error)}`)),
    );
  }

  private handleClose(): void {
    if (this.inputClosed) return;
    this.inputClosed = true;
    this.options.onClose(this);
  }
}

