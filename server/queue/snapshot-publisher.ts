/**
 * `thread/queue/changed` fan-out, ordered by queue version. Several instances (and this one's
 * own writes) change a thread's queue; each snapshot is read with the version it was committed
 * at, and a snapshot is sent only when its version is newer than the last one this instance
 * sent for the thread. So subscribers never get an older queue after a newer one, whichever
 * notification arrived first, and a burst of remote changes costs one read, not one per change.
 *
 * Within this instance, sends of a thread also leave in the order they were asked for (a
 * per-thread chain): a snapshot read right after an add is sent after the add's response
 * (SPEC §3: response, then changed, then drain) and before the snapshot of any claim asked for
 * later — so the client sees its row even when a drain already under way claims it at once.
 */
import type { QueueSnapshot, QueueStore } from "../store/queue-store.js";
import type { KeyedSerialExecutor } from "../threads/serial-executor.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { Logger } from "../logger.js";
import { toQueuedTurn } from "./queued-turn-view.js";

/** A snapshot read now and sent later, in its place among the thread's sends. */
export interface SnapshotSlot {
  /** Sends it (unless a newer one went first); resolves once handed to the subscribers. */
  send(): Promise<void>;
  /** Gives the place up: the change it was read for did not happen. */
  cancel(): void;
}

export class SnapshotPublisher {
  /** Thread id → version of the last snapshot sent from this instance. */
  private readonly sent = new Map<string, number>();
  /** Threads with a read already queued on their lane and not yet started: it will see any newer version. */
  private readonly queued = new Set<string>();
  /** Thread id → the last send asked for; the next one waits for it. */
  private readonly chains = new Map<string, Promise<void>>();

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

  /** Reads now and sends in turn, for a caller already running on the thread's lane. */
  sendNow(threadId: string, force = false): Promise<void> {
    const read = this.readNow(threadId);
    return this.chain(threadId, async () => {
      const snapshot = await read;
      if (snapshot !== undefined) this.offer(threadId, snapshot, force);
    });
  }

  /**
   * Reads the queue now — in call order with the store's other calls, so a read asked for right
   * after a write shows that write and nothing this instance asked for later — and keeps its
   * place among the thread's sends until `send` or `cancel`. One of them must be called.
   */
  reserve(threadId: string): SnapshotSlot {
    const read = this.readNow(threadId);
    read.catch(() => undefined); // reported by send(); nothing to report after cancel()
    let go!: (send: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (go = resolve));
    const sent = this.chain(threadId, async () => {
      if (!(await decided)) return;
      const snapshot = await read;
      if (snapshot !== undefined) this.offer(threadId, snapshot);
    });
    return {
      send: () => {
        go(true);
        return sent;
      },
      cancel: () => {
        go(false);
        sent.catch(() => undefined);
      },
    };
  }

  /** A thread created here: its subscribers know its queue is empty (version 0). */
  started(threadId: string): void {
    if (!this.sent.has(threadId)) this.sent.set(threadId, 0);
  }

  /** The thread was unloaded: a later resume sends its queue whatever was sent before. */
  forget(threadId: string): void {
    this.sent.delete(threadId);
  }

  /**
   * Another instance committed `version`: re-read unless it was sent already or a read is
   * pending. A thread nothing was sent for yet is left to its resume, which sends the queue.
   */
  heard(threadId: string, version: number): void {
    const last = this.sent.get(threadId);
    if (last === undefined || last >= version || this.queued.has(threadId)) return;
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

  private readNow(threadId: string): Promise<QueueSnapshot | undefined> {
    const thread = this.registry.get(threadId);
    if (thread === undefined || thread.subscribers.size === 0) return Promise.resolve(undefined);
    return this.store.readQueueSnapshot(threadId);
  }

  private offer(threadId: string, snapshot: QueueSnapshot, force = false): void {
    const last = this.sent.get(threadId);
    if (last !== undefined && (snapshot.version < last || (snapshot.version === last && !force))) return;
    this.sent.set(threadId, snapshot.version);
    this.registry.notify(threadId, "thread/queue/changed", { threadId, queuedTurns: snapshot.rows.map(toQueuedTurn) });
  }

  private chain(threadId: string, send: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(threadId) ?? Promise.resolve();
    const result = previous.then(send);
    const tail = result.catch(() => undefined);
    this.chains.set(threadId, tail);
    void tail.then(() => {
      if (this.chains.get(threadId) === tail) this.chains.delete(threadId);
    });
    return result;
  }
}
