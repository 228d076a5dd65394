/**
 * Starts turns on loaded threads and follows their lifecycle, so the rest of the server can
 * ask one question: is this thread idle? It owns the per-thread turn bookkeeping of
 * `LoadedThread` (pending starts, the active turn, the last terminal turn) and emits
 * `turn/started`, `error` and `turn/completed` to the thread's subscribers.
 */
import { v7 as uuidv7 } from "uuid";
import type { Turn, TurnStartParams } from "../../generated/types/v2/index.js";
import type { LoadedThread } from "../threads/loaded-thread.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import type { TurnEventMethod } from "../store/queue-store.js";
import { PreparedNotification } from "../threads/prepared-notification.js";
import type { TurnEventSink } from "./turn-event-relay.js";
import type { TurnOutcome, TurnRunner } from "./turn-runner.js";

/** Who follows the turns of every thread (the queue, which drains a thread once it is idle). */
export interface TurnLifecycleListener {
  /** A turn's `turn/started` has been sent (a queued dispatch completes here). */
  turnStarted(threadId: string, turnId: string): void;
  /** A turn ended (completed, interrupted or failed) and the thread may be idle. */
  turnEnded(threadId: string): void;
}

/** What starting a turn takes: the queue's dispatcher depends on this much of the coordinator. */
export interface TurnStarter {
  startTurn(thread: LoadedThread, params: TurnStartParams, turnId?: string): Promise<Turn>;
  /** Adds a lifecycle listener until the returned function is called. */
  subscribe(listener: TurnLifecycleListener): () => void;
}

/** A fresh turn id (UUIDv7, so turn ids sort by creation time). */
export function newTurnId(): string {
  return uuidv7();
}

export class TurnCoordinator implements TurnStarter {
  private readonly startedAtMs = new Map<string, number>();
  private readonly listeners = new Set<TurnLifecycleListener>();

  constructor(
    private readonly registry: ThreadRegistry,
    private readonly runner: TurnRunner,
    private readonly now: () => number = Date.now,
    /** Where the events of persisted threads' turns also go (other instances' subscribers). */
    private readonly events?: TurnEventSink,
  ) {}

  subscribe(listener: TurnLifecycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the runner to start a turn. Resolves with the in-progress turn once accepted (the
   * thread then counts as busy until `turn/started` and `turn/completed`); rejects with the
   * runner's `TurnStartError` when the turn cannot start. A queued dispatch passes the turn id
   * its claim recorded.
   */
  async startTurn(thread: LoadedThread, params: TurnStartParams, turnId: string = newTurnId()): Promise<Turn> {
    thread.pendingTurnStarts.add(turnId);
    try {
      await this.runner.start(
        { threadId: thread.id, turnId, params },
        {
          started: () => this.onStarted(thread, turnId),
          completed: (outcome) => this.onCompleted(thread, turnId, outcome),
        },
      );
    } catch (error) {
      thread.pendingTurnStarts.delete(turnId);
      throw error;
    }
    return { id: turnId, items: [], status: "inProgress", error: null, startedAt: null, completedAt: null, durationMs: null };
  }

  /** False when `turnId` is not the thread's running or starting turn. */
  interrupt(thread: LoadedThread, turnId: string): boolean {
    const known = thread.activeTurnIds.has(turnId) || thread.pendingTurnStarts.has(turnId);
    return known && this.runner.interrupt(turnId);
  }

  private onStarted(thread: LoadedThread, turnId: string): void {
    const startedAt = this.now();
    this.startedAtMs.set(turnId, startedAt);
    thread.pendingTurnStarts.delete(turnId);
    thread.activeTurnIds.add(turnId);
    this.emit(thread, "turn/started", {
      threadId: thread.id,
      turn: {
        id: turnId,
        items: [],
        status: "inProgress",
        error: null,
        startedAt: Math.floor(startedAt / 1000),
        completedAt: null,
        durationMs: null,
      },
    });
    for (const listener of this.listeners) listener.turnStarted(thread.id, turnId);
  }

  private onCompleted(thread: LoadedThread, turnId: string, outcome: TurnOutcome): void {
    const completedAt = this.now();
    const startedAt = this.startedAtMs.get(turnId) ?? completedAt;
    this.startedAtMs.delete(turnId);
    thread.pendingTurnStarts.delete(turnId);
    thread.activeTurnIds.delete(turnId);
    thread.lastTerminalTurnId = turnId;
    const error = outcome.status === "failed" ? outcome.error : null;
    if (error !== null) {
      this.emit(thread, "error", { threadId: thread.id, turnId, error, willRetry: false });
    }
    this.emit(thread, "turn/completed", {
      threadId: thread.id,
      turn: {
        id: turnId,
        items: [...outcome.items],
        status: outcome.status,
        error,
        startedAt: Math.floor(startedAt / 1000),
        completedAt: Math.floor(completedAt / 1000),
        durationMs: completedAt - startedAt,
      },
    });
    for (const listener of this.listeners) listener.turnEnded(thread.id);
  }

  /** To this instance's subscribers, serialized once; and, for a persisted thread, to the other instances'. */
  private emit<M extends TurnEventMethod>(thread: LoadedThread, method: M, params: ServerNotifications[M]["params"]): void {
    const paramsJson = JSON.stringify(params);
    this.registry.notifyPrepared(thread.id, new PreparedNotification(method, () => paramsJson));
    if (!thread.ephemeral) this.events?.published({ threadId: thread.id, method, paramsJson });
  }
}
