/**
 * `turn/start` on any instance (docs/scaling-out.md › turn/start on any instance). A thread's
 * turns run where its queue is dispatched — the instance holding its lease — so that "idle"
 * means idle everywhere and the queue never starts a turn beside another. A direct turn/start
 * that reaches another instance is forwarded to the holder through the database: the sender
 * stores the request and notifies the holder, the holder runs it exactly as its own turn/start
 * (same checks, same runner, same order against its queue) and stores the answer, and the
 * sender answers its client with it. The lease does not move.
 *
 * A request is taken by the holder at most once (pending → taken, one winner). A sender that
 * gives up waiting withdraws it if it was not taken yet — then it never runs, and the sender
 * asks again where the thread is dispatched (a dead holder's lease has expired by then: it
 * runs here). Taken but unanswered in time, its outcome is unknown and the client is told so.
 */
import { randomUUID } from "node:crypto";
import { internalError, invalidRequest, RpcError } from "../../generated/runtime/errors.js";
import type { Turn, TurnStartParams } from "../../generated/types/v2/index.js";
import type { Logger } from "../logger.js";
import { QueueError } from "../queue/queue-errors.js";
import type { ThreadQueues } from "../queue/thread-queues.js";
import { isQueueStoreError, type ForwardedTurnStart, type QueueChange, type QueueStore } from "../store/queue-store.js";
import type { LoadedThread } from "../threads/loaded-thread.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { TurnCoordinator } from "./turn-coordinator.js";
import { TurnStartError } from "./turn-runner.js";

/** What the holder stores for the sender, as JSON. */
type ForwardedAnswer =
  | { readonly turn: Turn }
  | { readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } }
  /** The holder no longer dispatches the thread (its lease moved, or it unloaded the thread). */
  | { readonly notHolder: true };

export interface TurnStartForwardingInit {
  readonly store: QueueStore;
  readonly registry: ThreadRegistry;
  readonly queues: ThreadQueues;
  readonly turns: TurnCoordinator;
  readonly logger: Logger;
  readonly ownerId: string;
  /** How long a sender waits for the holder's answer before it withdraws or gives up. */
  readonly answerTimeoutMs: number;
  /** How often a waiting sender looks for its answer without being told (a missed notification). */
  readonly pollMs?: number;
}

/** Attempts to find where the thread runs: a lease that moves twice while asking is unusual. */
const ATTEMPTS = 3;

export class TurnStartForwarding {
  /** Request id → wakes the sender waiting for it. */
  private readonly waiting = new Map<string, () => void>();
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(private readonly init: TurnStartForwardingInit) {}

  /** A direct turn/start: here when this instance dispatches the thread (or can), else at the holder. */
  async start(thread: LoadedThread, params: TurnStartParams): Promise<Turn> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const holderId = await this.init.queues.directTurnHolder(thread);
      if (holderId === null) return this.startHere(thread, params);
      const answer = await this.forward(thread, holderId, params);
      if (answer === "withdrawn") continue;
      if ("turn" in answer) return answer.turn;
      if ("error" in answer) throw new RpcError(answer.error.code, answer.error.message, answer.error.data);
    }
    throw new QueueError("active_elsewhere", `thread ${thread.id} is active on another server instance, whose lease kept moving; retry`);
  }

  /** The change feed: a request for this instance, an answer for one of its senders, or a resync. */
  onChange(change: QueueChange): void {
    if (change.type === "turnStartForwarded") {
      if (change.holderId === this.init.ownerId) this.drain();
    } else if (change.type === "turnStartAnswered") {
      this.waiting.get(change.requestId)?.();
    } else if (change.type === "resync") {
      // Notifications may have been missed: look for requests, and let every sender look.
      this.drain();
      for (const wake of this.waiting.values()) wake();
    }
  }

  /** Settles once the requests being run here have been answered. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private async startHere(thread: LoadedThread, params: TurnStartParams): Promise<Turn> {
    try {
      return await this.init.turns.startTurn(thread, params);
    } catch (error) {
      if (error instanceof TurnStartError) throw invalidRequest(`turn could not start: ${error.message}`);
      throw error;
    }
  }

  // ── The sender ────────────────────────────────────────────────────────────────────────

  private async forward(thread: LoadedThread, holderId: string, params: TurnStartParams): Promise<Exclude<ForwardedAnswer, { notHolder: true }> | "withdrawn"> {
    const { store, answerTimeoutMs, pollMs = 1_000 } = this.init;
    const requestId = randomUUID();
    let wake = (): void => undefined;
    let woken = false;
    this.waiting.set(requestId, () => {
      woken = true;
      wake();
    });
    try {
      const request: ForwardedTurnStart = { requestId, threadId: thread.id, holderId, senderId: this.init.ownerId, paramsJson: JSON.stringify(params) };
      await store.forwardTurnStart(request);
      const deadline = Date.now() + answerTimeoutMs;
      for (;;) {
        const late = Date.now() >= deadline;
        const state = await store.collectForwardedTurnStart(requestId, late);
        if (state.state === "answered") {
          const answer = JSON.parse(state.answerJson) as ForwardedAnswer;
          return "notHolder" in answer ? "withdrawn" : answer;
        }
        if (state.state === "cancelled" || state.state === "missing") return "withdrawn";
        if (late) {
          throw new QueueError(
            "forward_unanswered",
            `turn/start was forwarded to instance ${holderId}, which dispatches thread ${thread.id}, and it did not answer within ${answerTimeoutMs} ms; the turn may have started there`,
          );
        }
        if (!woken) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now())));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        woken = false;
      }
    } finally {
      this.waiting.delete(requestId);
    }
  }

  // ── The holder ────────────────────────────────────────────────────────────────────────

  /** Takes the requests forwarded here and runs them, one batch at a time (coalesced). */
  private drain(): void {
    if (this.draining !== undefined) {
      this.drainAgain = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        let requests: ForwardedTurnStart[];
        try {
          requests = await this.init.store.takeForwardedTurnStarts(this.init.ownerId);
        } catch (error) {
          if (!isQueueStoreError(error, "closed")) this.init.logger.warn("taking forwarded turn/starts failed; retried on the next change", error);
          return;
        }
        // In the order they were sent, each answered before the next starts (as one connection's would be).
        for (const request of requests) await this.run(request);
      } while (this.drainAgain);
    })().finally(() => (this.draining = undefined));
  }

  private async run(request: ForwardedTurnStart): Promise<void> {
    const answer = await this.answerFor(request);
    try {
      await this.init.store.answerForwardedTurnStart(request.requestId, JSON.stringify(answer));
    } catch (error) {
      this.init.logger.warn(`answering forwarded turn/start ${request.requestId} of thread ${request.threadId} failed; its sender will report it unanswered`, error);
    }
  }

  private async answerFor(request: ForwardedTurnStart): Promise<ForwardedAnswer> {
    const thread = this.init.registry.get(request.threadId);
    if (thread === undefined || thread.ephemeral) return { notHolder: true };
    try {
      if ((await this.init.queues.directTurnHolder(thread)) !== null) return { notHolder: true };
      return { turn: await this.startHere(thread, JSON.parse(request.paramsJson) as TurnStartParams) };
    } catch (error) {
      if (error instanceof RpcError) return { error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } };
      if (isQueueStoreError(error, "unavailable")) return { notHolder: true };
      this.init.logger.error(`forwarded turn/start of thread ${request.threadId} failed`, error);
      const failure = internalError(error instanceof Error ? error.message : String(error));
      return { error: { code: failure.code, message: failure.message } };
    }
  }
}
