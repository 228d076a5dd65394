/**
 * What one connection still has to send, with a byte budget — the server's version of Redis's
 * client output buffer limits and of a Node writable's highWaterMark.
 *
 * Messages are serialized and encoded when they are queued, so their size is known (and the
 * encoding is done once), and written one at a time in order, each once the previous one has been handed to the socket or pipe. Three
 * numbers decide what happens to a peer that does not keep up:
 *
 *   unsent bytes = queued + being written + reserved (answers being produced, see `reserve`)
 *
 *   unsent < pauseBytes               flowing: the connection is read and its requests run
 *   unsent ≥ pauseBytes               congested: `congested()` fires (the connection stops being
 *                                     read, requests wait); an unsent snapshot is replaced by a
 *                                     newer one of the same key; below pauseBytes / 2 `relieved()`
 *                                     fires
 *   queued (behind the one being      overflowed: everything is dropped and `overflowed()` fires
 *   written) > maxBytes               (the connection is closed) — only notifications, which
 *                                     the peer did not ask for, can get it there
 *
 * Dropping costs O(1) per message, whatever the count: when the channel fails (the peer went
 * away) or overflows, the queue is let go in one step, and nothing is constructed per message.
 */

/**
 * What a message is, for coalescing: a snapshot (a full state of `key`, which a newer one of the
 * same key makes pointless), an answer, or any other notification. A newer snapshot replaces an
 * unsent older one — and goes to the end of the queue — only if no other notification was
 * queued in between, so the order of notifications never changes; answers in between are
 * passed (the newer snapshot still comes after them, as after its own answer).
 */
export type OutboundKind = { readonly kind: "snapshot"; readonly key: string } | { readonly kind: "answer" } | { readonly kind: "notification" };

export interface OutboundBudget {
  /** Unsent bytes at which the connection counts as congested. */
  readonly pauseBytes: number;
  /** Bytes waiting behind the message being written beyond which the connection is dropped. */
  readonly maxBytes: number;
}

export interface OutboundEvents {
  /** Unsent bytes reached `pauseBytes`: stop reading the peer. */
  congested(): void;
  /** Unsent bytes fell below half of `pauseBytes`: read the peer again. */
  relieved(): void;
  /** More than `maxBytes` waited behind the message being written; the queue was dropped. */
  overflowed(waitingBytes: number, waitingMessages: number): void;
  /** A write failed (the peer is gone); the queue was dropped. */
  failed(error: unknown, droppedMessages: number): void;
}

const NOTHING = new Uint8Array(0);

interface Pending {
  /** Emptied when superseded, so that a skipped snapshot is not held until the head passes it. */
  data: Uint8Array;
  readonly bytes: number;
  /** Messages with the same key are full snapshots of one thing: a later one supersedes. */
  readonly key: string | undefined;
  /** `notifications` when it was queued: a later snapshot may replace it only if no notification came since. */
  readonly notificationsBefore: number;
  superseded: boolean;
}

export class OutboundQueue {
  private items: Pending[] = [];
  private head = 0;
  private queuedBytes = 0;
  private queuedCount = 0;
  private writingBytes = 0;
  private reservedBytes = 0;
  private writing = false;
  private isCongested = false;
  private isDropped = false;
  /** Notifications other than snapshots queued so far. */
  private notifications = 0;
  /** Key → its newest queued message that has not been handed to the channel yet. */
  private readonly latest = new Map<string, Pending>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly write: (message: Uint8Array) => Promise<void>,
    private readonly budget: OutboundBudget,
    private readonly events: OutboundEvents,
  ) {}

  /** Bytes not yet handed to the channel, plus the one being handed, plus reservations. */
  get unsentBytes(): number {
    return this.queuedBytes + this.writingBytes + this.reservedBytes;
  }

  get congested(): boolean {
    return this.isCongested;
  }

  /** The peer is gone or was dropped: nothing queued from now on is sent. */
  get dropped(): boolean {
    return this.isDropped;
  }

  /**
   * Counts `bytes` as unsent until the returned function is called: room for an answer that is
   * being produced (a page of `thread/queue/list`), so that requests started together cannot
   * together produce more than the budget before any of their answers is queued.
   */
  reserve(bytes: number): () => void {
    if (bytes <= 0 || this.isDropped) return () => undefined;
    this.reservedBytes += bytes;
    this.afterGrowth();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reservedBytes -= bytes;
      this.afterShrink();
    };
  }

  /**
   * Queues one serialized, encoded message. A snapshot, while congested, replaces an unsent one
   * of the same key (see OutboundKind): a peer that is behind gets the newest snapshot, not all.
   */
  push(data: Uint8Array, what: OutboundKind): void {
    if (this.isDropped) return;
    const bytes = data.length;
    const key = what.kind === "snapshot" ? what.key : undefined;
    if (what.kind === "notification") this.notifications += 1;
    else if (key !== undefined && this.isCongested) this.supersede(key);
    const pending: Pending = { data, bytes, key, notificationsBefore: this.notifications, superseded: false };
    this.items.push(pending);
    if (key !== undefined) this.latest.set(key, pending);
    this.queuedBytes += bytes;
    this.queuedCount += 1;
    if (this.queuedBytes > this.budget.maxBytes) {
      const waiting = { bytes: this.queuedBytes, count: this.queuedCount };
      this.drop();
      this.events.overflowed(waiting.bytes, waiting.count);
      return;
    }
    this.afterGrowth();
    this.pump();
  }

  /** Resolves when everything queued so far has been handed to the channel (or dropped). */
  idle(): Promise<void> {
    if (this.isDropped || (!this.writing && this.queuedCount === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Lets go of everything queued; later pushes are ignored. Returns how many were dropped. */
  drop(): number {
    const dropped = this.queuedCount + (this.writing ? 1 : 0);
    this.isDropped = true;
    this.items = [];
    this.head = 0;
    this.latest.clear();
    this.queuedBytes = 0;
    this.queuedCount = 0;
    this.writingBytes = 0;
    this.reservedBytes = 0;
    this.isCongested = false;
    this.wake(this.idleWaiters);
    this.idleWaiters = [];
    return dropped;
  }

  private supersede(key: string): void {
    const previous = this.latest.get(key);
    if (previous === undefined || previous.notificationsBefore !== this.notifications) return;
    previous.superseded = true;
    previous.data = NOTHING;
    this.latest.delete(key);
    this.queuedBytes -= previous.bytes;
    this.queuedCount -= 1;
  }

  private next(): Pending | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Pending;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (!item.superseded) return item;
    }
    return undefined;
  }

  private pump(): void {
    if (this.writing || this.isDropped) return;
    const item = this.next();
    if (item === undefined) {
      this.items = [];
      this.head = 0;
      this.wake(this.idleWaiters);
      this.idleWaiters = [];
      return;
    }
    if (item.key !== undefined && this.latest.get(item.key) === item) this.latest.delete(item.key);
    this.queuedBytes -= item.bytes;
    this.queuedCount -= 1;
    this.writingBytes = item.bytes;
    this.writing = true;
    this.write(item.data).then(
      () => {
        this.writing = false;
        this.writingBytes = 0;
        this.afterShrink();
        this.pump();
      },
      (error: unknown) => {
        if (this.isDropped) {
          this.writing = false;
          return;
        }
        const dropped = this.drop(); // the message that failed counts as dropped too
        this.writing = false;
        this.events.failed(error, dropped);
      },
    );
  }

  private afterGrowth(): void {
    if (this.isCongested || this.unsentBytes < this.budget.pauseBytes) return;
    this.isCongested = true;
    this.events.congested();
  }

  private afterShrink(): void {
    if (!this.isCongested || this.isDropped || this.unsentBytes >= this.budget.pauseBytes / 2) return;
    this.isCongested = false;
    this.events.relieved();
  }

  private wake(waiters: ReadonlyArray<() => void>): void {
    for (const wake of waiters) wake();
  }
}
