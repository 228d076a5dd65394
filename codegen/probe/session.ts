/**
 * One session: start a fresh server, send the script one message at a time (each request waits
 * for its answer), check every exchange and every message the server sends on its own, stop at
 * the first finding, and keep the transcript.
 */
import { classifyMessage, type ClassifiedMessage, type JsonRpcId, type JsonRpcMessage } from "../runtime/jsonrpc.js";
import { judgeAnswer, judgeServerMessage, type SentCall } from "./checks.js";
import type { Finding, FindingFilter } from "./findings.js";
import type { MethodIndex } from "./methods.js";
import { ValuePool } from "./pool.js";
import type { PlanContext, ScriptEntry } from "./script.js";
import type { ServerCommand } from "./server-command.js";
import { startServer, type RunningServer, type ServerGone } from "./server-under-test.js";
import { SessionStats } from "./stats.js";
import type { Intent, TranscriptEvent } from "./transcript.js";
import type { ProtocolValidators } from "./validators.js";

export interface SessionConfig {
  readonly methods: MethodIndex;
  readonly validators: ProtocolValidators;
  readonly server: ServerCommand;
  readonly timeoutMs: number;
  readonly startTimeoutMs: number;
  /** How long to keep listening after the last call, for notifications it caused. */
  readonly settleMs: number;
  readonly invalidParamsCode: number;
  readonly invalidParamsMessage: RegExp | undefined;
  /** Known faults (--ignore): counted, not reported; the session goes on. */
  readonly ignore: FindingFilter;
}

export interface SessionOutcome {
  /** At most one: a session stops at its first finding. */
  readonly findings: readonly Finding[];
  readonly events: readonly TranscriptEvent[];
  readonly stats: SessionStats;
  /** Calls of the script that were sent (the --init handshake not counted). */
  readonly callsSent: number;
}

type Answer = { readonly kind: "answer"; readonly message: ClassifiedMessage } | { readonly kind: "over" };

interface Pending {
  readonly call: SentCall;
  readonly settle: (answer: Answer) => void;
}

const NO_CALL = "(server start)";

export async function runSession(script: readonly ScriptEntry[], config: SessionConfig): Promise<SessionOutcome> {
  const session = new Session(config);
  return session.run(script);
}

class Session {
  private readonly pool = new ValuePool();
  private readonly events: TranscriptEvent[] = [];
  private readonly findings: Finding[] = [];
  private readonly stats = new SessionStats();
  private readonly responses = new Map<JsonRpcId, unknown>();
  private readonly notifications = new Map<string, unknown[]>();
  private readonly pending = new Map<JsonRpcId, Pending>();
  private current: { method: string; step: number } = { method: NO_CALL, step: -1 };
  private stopped = false;
  private wakeStop: (() => void) | undefined;
  private readonly stoppedPromise = new Promise<void>((resolve) => (this.wakeStop = resolve));
  private server: RunningServer | undefined;
  private nextId = 1;

  constructor(private readonly config: SessionConfig) {}

  async run(script: readonly ScriptEntry[]): Promise<SessionOutcome> {
    this.server = await startServer(
      this.config.server,
      {
        message: (value) => this.onMessage(value),
        frameError: (reason) => this.report({ kind: "malformed-message", detail: `a line that is not JSON: ${reason}` }),
        gone: (gone) => this.onGone(gone),
      },
      this.config.startTimeoutMs,
    );
    let callsSent = 0;
    try {
      let callIndex = 0;
      for (const entry of script) {
        if (this.stopped) break;
        const step = entry.phase === "init" ? -1 : callIndex++;
        await this.send(entry, step);
        if (entry.phase === "call") callsSent++;
      }
      if (!this.stopped) await Promise.race([delay(this.config.settleMs), this.stoppedPromise]);
    } finally {
      this.stopped = true;
      await this.server.stop();
    }
    return { findings: this.findings, events: this.events, stats: this.stats, callsSent };
  }

  private async send(entry: ScriptEntry, step: number): Promise<void> {
    const context: PlanContext = {
      pool: this.pool,
      received: {
        response: (id) => this.responses.get(id),
        notification: (method, index) => this.notifications.get(method)?.[index],
      },
    };
    const planned = entry.plan(context);
    const spec = this.config.methods.outgoing(planned.method);
    const paramsValid = spec === undefined ? undefined : spec.params === null ? true : this.config.validators.validate(spec.params, planned.params ?? null).ok;
    const intent: Intent = planned.intent === "init" ? "init" : paramsValid === false ? "invalid" : "valid";
    const id = planned.request ? (planned.id ?? this.nextId) : undefined;
    if (typeof id === "number" && id >= this.nextId) this.nextId = id + 1;
    const message = (id === undefined ? { method: planned.method } : { id, method: planned.method }) as JsonRpcMessage & Record<string, unknown>;
    if (planned.params !== undefined) message.params = planned.params;

    this.current = { method: planned.method, step };
    // A mutation the schema still accepts (a wrong type where a union allows it) is a valid call.
    const mutation = planned.mutation === undefined || intent !== "valid" ? planned.mutation : `${planned.mutation} (the schema still accepts it)`;
    this.events.push({
      send: message,
      intent,
      ...(mutation === undefined ? {} : { mutation }),
      ...(planned.bind.length === 0 ? {} : { bind: planned.bind }),
    });
    if (intent !== "init") this.stats.called(planned.method, intent);

    const call: SentCall = { method: planned.method, intent, resultType: spec?.result ?? null };
    // Until the server has answered once, waiting also covers its start (a stdio server reads
    // its first line only once it is up): the handshake, or a hand-written transcript's first
    // request, gets the start timeout.
    const starting = intent === "init" || this.responses.size === 0;
    const timeoutMs = starting ? Math.max(this.config.startTimeoutMs, this.config.timeoutMs) : this.config.timeoutMs;
    const answer = id === undefined ? undefined : this.expectAnswer(id, call, timeoutMs);
    try {
      await this.server!.send(message);
    } catch {
      // The server is gone; its exit is reported by the gone handler.
    }
    if (answer === undefined) return;
    const outcome = await answer;
    if (outcome.kind === "answer") this.onAnswer(id!, call, outcome.message);
  }

  private expectAnswer(id: JsonRpcId, call: SentCall, timeoutMs: number): Promise<Answer | { kind: "timeout" }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.report({ kind: "timeout", detail: `no answer to request ${JSON.stringify(id)} within ${timeoutMs} ms` });
        resolve({ kind: "timeout" });
      }, timeoutMs);
      this.pending.set(id, {
        call,
        settle: (answer) => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve(answer);
        },
      });
    });
  }

  private onAnswer(id: JsonRpcId, call: SentCall, message: ClassifiedMessage): void {
    if (message.kind === "response") {
      this.responses.set(id, message.message);
      this.pool.recordResult(id, message.message.result);
      if (call.intent !== "init") this.stats.answered(call.method, { result: true });
    } else if (message.kind === "error") {
      this.responses.set(id, message.message);
      if (call.intent !== "init") this.stats.answered(call.method, { code: message.message.error.code, message: message.message.error.message });
    }
    const problem = judgeAnswer(call, message, this.config);
    if (problem !== undefined) this.report(problem);
  }

  private onMessage(value: unknown): void {
    if (this.stopped) return;
    this.events.push({ receive: value });
    const message = classifyMessage(value);
    if (message.kind === "response" || message.kind === "error" || (message.kind === "invalid" && message.id !== null && this.pending.has(message.id))) {
      const id = message.kind === "invalid" ? message.id! : message.message.id;
      const waiting = id === null ? undefined : this.pending.get(id);
      if (waiting === undefined) {
        this.report({ kind: "malformed-message", detail: `a response to no open request (id ${JSON.stringify(id)})` });
        return;
      }
      waiting.settle({ kind: "answer", message });
      return;
    }
    if (message.kind === "notification") {
      const seen = this.notifications.get(message.message.method) ?? [];
      seen.push(message.message);
      this.notifications.set(message.message.method, seen);
      this.pool.recordNotification(message.message.method, seen.length - 1, message.message.params);
      this.stats.notified(message.message.method);
    }
    if (message.kind === "request") {
      // Nobody here can approve anything: decline, so the server is not left waiting.
      void this.server
        ?.send({ id: message.message.id, error: { code: -32601, message: "the probe does not answer server requests" } })
        .catch(() => undefined);
    }
    const problem = judgeServerMessage(message, this.config);
    if (problem !== undefined) this.report(problem);
  }

  private onGone(gone: ServerGone): void {
    if (this.stopped) return;
    const tail = this.server?.logTail().trim() ?? "";
    const log = tail === "" ? "" : `; its last output:\n${tail.split("\n").slice(-15).join("\n")}`;
    this.report({ kind: gone.processExited ? "server-exited" : "connection-closed", detail: `${gone.detail}${log}` });
  }

  /** Records the first finding and ends the session. */
  private report(problem: Omit<Finding, "method" | "step">): void {
    if (this.stopped) return;
    const finding: Finding = { ...problem, method: this.current.method, step: this.current.step };
    // A server that is gone ends the session whether or not the user expects it to go.
    if (this.config.ignore(finding) && finding.kind !== "server-exited" && finding.kind !== "connection-closed") {
      this.stats.ignored(finding);
      return;
    }
    this.findings.push(finding);
    this.events.push({ finding });
    this.stopped = true;
    this.wakeStop?.();
    for (const waiting of [...this.pending.values()]) waiting.settle({ kind: "over" });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
