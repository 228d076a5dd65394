/**
 * One client connection: the handshake, capabilities, experimental gating, opt-outs, the
 * in-flight limit, the outbound byte budget, and the order of what goes out. It speaks to a
 * `Transport` and hands requests to the generated dispatcher; it never touches a socket or a
 * stream itself.
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
import { internalError, invalidParams, invalidRequest, parseError, serverOverloaded } from "../../generated/runtime/errors.js";
import type { Transport } from "../../generated/runtime/transport.js";
import { methodInfo, type ServerNotifications } from "../../generated/protocol/methods.js";
import { problemOf } from "../../generated/protocol/validation.js";
import { validateInitializeParams } from "../../generated/validators/index.js";
import type { InitializeParams } from "../../generated/types/index.js";
import type { NotificationSubscriber } from "../threads/loaded-thread.js";
import { PreparedNotification } from "../threads/prepared-notification.js";
import type { Logger } from "../logger.js";
import { OutboundQueue, type OutboundBudget, type OutboundKind } from "../transport/outbound-queue.js";
import { findInexactJson, type InexactJson } from "./exact-json.js";
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
  /** Bytes of answers and notifications this connection may have unsent (see OutboundQueue). */
  readonly outbound: OutboundBudget;
  /**
   * Bytes of the outbound budget a request of `method` holds while its answer is produced
   * (a `thread/queue/list` page may be that large); 0 for answers that are small.
   */
  readonly answerReservation?: (method: string) => number;
  readonly logger: Logger;
  /** Called once when the connection is gone (unsubscribe it everywhere). */
  readonly onClose: (session: ConnectionSession) => void;
}

type HandshakeState = "new" | "initializing" | "ready";

const INITIALIZE = "initialize";
const ANSWER: OutboundKind = { kind: "answer" };

/** A request that waits for room in the outbound budget before it starts. */
interface HeldRequest {
  readonly bytes: number;
  readonly admit: (release: () => void) => void;
}

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
  /** Sends leave in the order they were issued, one at a time, within a byte budget. */
  private readonly outbound: OutboundQueue;
  /** Requests waiting, in arrival order, while the outbound budget is spent. */
  private held: HeldRequest[] = [];
  /** Who is on the other end, for log lines. */
  private readonly peer: string;

  constructor(
    private readonly transport: Transport,
    private readonly dispatcher: RequestDispatcher,
    private readonly options: ConnectionSessionOptions,
  ) {
    transport.onmessage = (message, text) => this.receive(message, text);
    transport.onframeerror = (error) => this.answerError(null, error.toJson(), false);
    transport.onerror = (error) => options.logger.warn("transport error", error);
    transport.onclose = () => this.handleClose();
    this.peer = transport.peerName ?? "client";
    this.outbound = new OutboundQueue(
      (data) => (transport.sendSerialized ? transport.sendSerialized(data) : transport.send(JSON.parse(Buffer.from(data).toString("utf8")) as JsonRpcMessage)),
      options.outbound,
      {
        congested: () => transport.pauseInput?.(),
        relieved: () => {
          transport.resumeInput?.();
          this.admitHeld();
        },
        overflowed: (bytes, messages) => {
          options.logger.warn(
            `closing the connection of ${this.peer}: ${bytes} bytes in ${messages} message(s) waited to be sent ` +
              `(limit ${options.outbound.maxBytes}, --max-outbound-bytes); the client is not reading what it is sent`,
          );
          this.admitHeld();
          if (transport.abort) transport.abort("outbound backlog over the limit");
          else void transport.close();
        },
        failed: (error, dropped) => {
          options.logger.debug(`connection of ${this.peer} gone (${errorText(error)}); ${dropped} unsent message(s) dropped`);
          this.admitHeld();
        },
      },
    );
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
    await this.outbound.idle();
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
    this.notifyPrepared(PreparedNotification.of(method, params));
  }

  /** A notification encoded once for every subscriber: a connection that does not take it costs nothing. */
  notifyPrepared(notification: PreparedNotification): void {
    if (!this.accepts(notification.method) || this.outbound.dropped) return;
    let data: Uint8Array;
    try {
      data = notification.bytes(this.peerSpeaksJsonRpc2);
    } catch (error) {
      this.options.logger.error(`the notification ${notification.method} could not be serialized and was not sent: ${errorText(error)}`);
      return;
    }
    // Snapshots with the same key replace an unsent older one (OutboundQueue).
    const kind: OutboundKind = notification.key === undefined ? { kind: "notification" } : { kind: "snapshot", key: `${notification.method} ${notification.key}` };
    this.outbound.push(data, kind);
  }

  private accepts(method: string): boolean {
    if (this.inputClosed || this.handshake !== "ready") return false;
    if (isExperimental(method) && !this.experimentalApi) return false;
    return !this.optOut.has(method);
  }

  private receive(value: unknown, text: string | undefined): void {
    if (nestsDeeperThan(value, MAX_NESTING_DEPTH)) {
      this.answerError(null, parseError(`message nests deeper than ${MAX_NESTING_DEPTH} levels`).toJson(), false);
      return;
    }
    const classified = classifyMessage(value);
    // What JSON.parse silently changed (a repeated key, a number a double cannot keep) is
    // refused, never stored as something the client did not send (exact-json.ts).
    const inexact = text !== undefined && (classified.kind === "request" || classified.kind === "notification") ? findInexactJson(text) : undefined;
    switch (classified.kind) {
      case "request":
        this.notePeerDialect(classified.message);
        if (inexact !== undefined) this.refuseInexact(classified.message, inexact);
        else this.track(this.handleRequest(classified.message));
        return;
      case "notification":
        this.notePeerDialect(classified.message);
        if (inexact !== undefined) this.options.logger.debug(`ignored notification ${classified.message.method}: ${inexact.pointer} ${inexact.problem}`);
        else this.track(this.handleNotification(classified.message.method, classified.message.params));
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

  /**
   * -32602 naming the member when it is inside `params` (as a schema violation is answered),
   * else -32600; with the request's id unless the id itself is what is ambiguous.
   */
  private refuseInexact(request: JsonRpcRequest, { pointer, problem }: InexactJson): void {
    const echo = request.jsonrpc === "2.0";
    if (pointer === "/params" || pointer.startsWith("/params/")) {
      const instancePath = pointer.slice("/params".length);
      const issue = { instancePath, schemaPath: "", keyword: "exactJson", message: problem, params: {} };
      const error = invalidParams(`Invalid params for ${request.method}: ${instancePath === "" ? "" : `${instancePath} `}${problem}`, { errors: [issue] });
      this.answerError(request.id, error.toJson(), echo);
      return;
    }
    this.answerError(pointer === "/id" ? null : request.id, invalidRequest(`Invalid request: ${pointer} ${problem}`).toJson(), echo);
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
      const release = this.admit(request.method) ?? (await this.waitForRoom(request.method));
      try {
        // The peer is gone (a failed write or an overflow): nobody would read the answer.
        if (this.outbound.dropped) return;
        await this.runRequest(request, echo, release);
      } finally {
        release();
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Starts a request at once when the outbound budget has room and nobody waits before it,
   * reserving what its answer may take; otherwise undefined (it waits, in arrival order).
   */
  private admit(method: string): (() => void) | undefined {
    if (this.held.length > 0 || this.outbound.congested) return undefined;
    return this.outbound.reserve(this.options.answerReservation?.(method) ?? 0);
  }

  private waitForRoom(method: string): Promise<() => void> {
    const bytes = this.options.answerReservation?.(method) ?? 0;
    return new Promise((admit) => this.held.push({ bytes, admit }));
  }

  /** Admits waiting requests in order, each reserving before the next is considered. */
  private admitHeld(): void {
    while (this.held.length > 0 && (this.outbound.dropped || !this.outbound.congested)) {
      const next = this.held.shift() as HeldRequest;
      next.admit(this.outbound.reserve(next.bytes));
    }
  }

  private async runRequest(request: JsonRpcRequest, echo: boolean, release: () => void): Promise<void> {
    const { id, method } = request;
    if (method === INITIALIZE) {
      if (this.handshake !== "new") {
        // Malformed params are reported as such first, as upstream does (it parses a request
        // before it looks at the session): "Already initialized" is for a well-formed repeat.
        const problem = problemOf(validateInitializeParams, request.params);
        const error =
          problem === undefined
            ? invalidRequest("Already initialized")
            : invalidParams(`Invalid params for ${INITIALIZE}: ${problem.message}`, { errors: problem.errors });
        this.answerError(id, error.toJson(), echo);
        return;
      }
      this.handshake = "initializing";
      let finish!: () => void;
      this.initializing = new Promise((resolve) => (finish = resolve));
      try {
        const ok = await this.dispatchAndAnswer(request, echo, release);
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
    await this.dispatchAndAnswer(request, echo, release);
  }

  /**
   * Runs the handler, answers, then runs its after-response work — also when the answer became
   * an error after the handler returned (an invalid result under --validate-outgoing): handlers
   * register that work once their change has committed, and its notifications and drains (and
   * the queue's reserved snapshot sends) must happen all the same. True when it succeeded.
   */
  private async dispatchAndAnswer(request: JsonRpcRequest, echo: boolean, release: () => void): Promise<boolean> {
    const after: Array<() => Promise<void> | void> = [];
    const ctx: RequestContext = { session: this, afterResponse: (task) => after.push(task) };
    const outcome = await this.dispatcher.dispatchRequest(request.method, request.params, ctx);
    const ok = !("error" in outcome);
    if ("error" in outcome) this.answerError(request.id, outcome.error, echo);
    else this.send(this.envelope({ id: request.id, result: outcome.result }, echo));
    // The answer is queued with its real size: the room reserved for it is free again.
    release();
    // Not waiting for the answer to reach the socket: this connection's queue already sends it
    // before anything the tasks send, and a client that stopped reading must not hold up the
    // thread's snapshots and drains for everyone else.
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
   * still sent (stdio keeps stdout open after stdin EOF). A send on a dead channel fails, which
   * is expected when a client disconnects with answers pending: the first failure drops them
   * all at once (OutboundQueue).
   *
   * A message that cannot be serialized (past V8's string limit, or a value JSON cannot hold)
   * is never lost silently: an answer becomes -32603 for its id, a notification is logged.
   */
  /** Answers (and the errors for unreadable frames) — everything but notifications. */
  private send(message: JsonRpcMessage): void {
    if (this.outbound.dropped) return;
    let data: Uint8Array;
    try {
      data = encode(message);
    } catch (error) {
      this.sendUnserializable(message, error);
      return;
    }
    this.outbound.push(data, ANSWER);
  }

  private sendUnserializable(message: JsonRpcMessage, error: unknown): void {
    const what = "method" in message ? `notification ${message.method}` : `answer to request ${JSON.stringify(message.id)}`;
    this.options.logger.error(`the ${what} could not be serialized and was not sent: ${errorText(error)}`);
    if ("id" in message && !("method" in message)) {
      const failure = internalError(`Internal error: the answer could not be serialized (${errorText(error)})`).toJson();
      this.outbound.push(encode({ ...("jsonrpc" in message ? { jsonrpc: "2.0" as const } : {}), id: message.id, error: failure }), ANSWER);
    }
  }

  private handleClose(): void {
    if (this.inputClosed) return;
    this.inputClosed = true;
    this.options.onClose(this);
  }
}


function encode(message: JsonRpcMessage): Uint8Array {
  return Buffer.from(JSON.stringify(message), "utf8");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
