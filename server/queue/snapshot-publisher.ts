/**
 * `thread/queue/changed` fan-out, ordered by queue version. Several instances (and this one's
 * own writes) change a thread's queue; each snapshot is read with the version it was committed
 * at, and a snapshot is sent only when its version is newer than the last one this instance
 * sent for the thread. So subscribers never get an older queue after a newer one, whichever
 * notification arrived first, and a burst of remote changes costs one read, not one per change.
 * Reads and sends run on the thread's serial lane, after whatever was queued there before.
 */
import type { QueueStore } from "../store/queue-store.js";
import type { KeyedSerialExecutor } from "../threads/serial-executor.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { Logger } from "../logger.js";
import { toQueuedTurn } from "./queued-turn-view.js";

export class SnapshotPublisher {
  /** Thread id → version of the last snapshot sent from this instance. */
  private readonly sent = new Map<string, number>();
  /** Threads with a read already queued on their lane and not yet started: it will see any newer version. */
  private readonly queued = new Set<string>();

  constructor(
    private readonly store: QueueStore,
    private readonly registry: ThreadRegistry,
    private readonly lanes: KeyedSerialExecutor,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads and sends the thread's snapshot after everything queued on its lane. `force` sends it
   * even when this version was sent already (a resume: the new subscriber needs the queue).
   */
  publish(threadId: string, force = false): Promise<void> {
    return this.lanes.run(threadId, () => this.sendNow(threadId, force));
  }

  /** The same, for a caller already running on the thread's lane. */
  async sendNow(threadId: string, force = false): Promise<void> {
    const thread = this.registry.get(threadId);
    if (thread === undefined || thread.subscribers.size === 0) return;
    const snapshot = await this.store.readQueueSnapshot(threadId);
    const last = this.sent.get(threadId);
    if (last !== undefined && (snapshot.version < last || (snapshot.version === last && !force))) return;
    this.sent.set(threadId, snapshot.version);
    this.registry.notify(threadId, "thread/queue/changed", { threadId, queuedTurns: snapshot.rows.map(toQueuedTurn) });
  }

  /** Another instance committed `version`: re-read unless it was sent already or a read is pending. */
  heard(threadId: string, version: number): void {
    if ((this.sent.get(threadId) ?? -1) >= version || this.queued.has(threadId)) return;
    const thread = this.registry.get(threadId);
    if (thread === undefined || thread.subscribers.size === 0) return;
    this.queued.add(threadId);
    void this.lanes
      .run(threadId, () => {
        this.queued.delete(threadId);
        return this.sendNow(threadId);
      })
      .catch((error: unknown) => this.logger.warn(`sending the queue of thread ${threadId} failed`, error));
  }
}
