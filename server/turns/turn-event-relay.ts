/**
 * Turn events across instances (docs/scaling-out.md): `turn/started`, `turn/completed` and
 * `error` of a thread's turns happen on the instance that runs the turn, while the thread's
 * subscribers may be connected to any instance. The relay hands every local turn event of a
 * persisted thread to the store's change feed (`publishTurnEvent`) and delivers the events the
 * feed brings from other instances to this instance's subscribers, as the same JSON text.
 *
 * At most once, in order: the feed delivers each event once, in the order its instance
 * published it; an event published while the database is unreachable, or sent while this
 * instance's feed was reconnecting, is lost (logged) and never sent twice.
 */
import type { Logger } from "../logger.js";
import { isQueueStoreError, type QueueChange, type QueueStore, type TurnEvent } from "../store/queue-store.js";
import { PreparedNotification } from "../threads/prepared-notification.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";

export interface TurnEventSink {
  /** A turn event this instance sent to its own subscribers. */
  published(event: TurnEvent): void;
}

export class TurnEventRelay implements TurnEventSink {
  /** Thread id → until when another instance follows it (stores that announce followers). */
  private readonly followedUntil = new Map<string, number>();

  constructor(
    private readonly store: QueueStore,
    private readonly registry: ThreadRegistry,
    private readonly logger: Logger,
    /** Off: events stay with the instance that runs the turn (`--turn-event-fan-out off`). */
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether another instance may have subscribers for the thread (always, where followers are not announced). */
  private followedElsewhere(threadId: string): boolean {
    if (this.store.followers === undefined) return true;
    const until = this.followedUntil.get(threadId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.followedUntil.delete(threadId);
    return false;
  }

  published(event: TurnEvent): void {
    if (!this.enabled || !this.followedElsewhere(event.threadId)) return;
    this.store.publishTurnEvent(event).catch((error: unknown) => {
      if (isQueueStoreError(error, "closed")) return;
      // While the database is unreachable every event would say so; the store logs the outage.
      if (isQueueStoreError(error, "unavailable")) this.logger.debug(`${event.method} of thread ${event.threadId} did not reach the other instances: ${(error as Error).message}`);
      else this.logger.warn(`${event.method} of thread ${event.threadId} did not reach the other instances`, error);
    });
  }

  /** The change feed: an event of a turn another instance runs, or who follows which thread. */
  onChange(change: QueueChange): void {
    if (change.type === "following") {
      const until = this.now() + change.validForMs;
      if ((this.followedUntil.get(change.threadId) ?? 0) < until) this.followedUntil.set(change.threadId, until);
      return;
    }
    if (change.type !== "turnEvent" || !this.enabled) return;
    const { threadId, method, paramsJson } = change;
    this.registry.notifyPrepared(threadId, new PreparedNotification(method, () => paramsJson));
  }
}
