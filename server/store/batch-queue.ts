import { QueueStoreError } from "./queue-store.js";

/**
 * The backend-neutral half of group commit, shared by both backends: which operations form a
 * batch, and when it runs.
 * Items pushed in the same turn of the event loop form one batch (at most `maxBatchSize`, in
 * call order); batches run one at a time, and items pushed while one runs form the next. So
 * a burst of concurrent writers shares one transaction, and effects happen in call order.
 * Running a batch (the transaction, settling each item) is the backend's `runBatch`, which may
 * be synchronous (better-sqlite3) or not (pg).
 */

/** What a batch's commit reports to `onBatchCommit` observers (tests, benchmarks). */
export interface CommittedBatch {
  /** Operations settled by this batch. */
  ops: number;
  /** Of which writes (the transaction's size). */
  writes: number;
}

/** One queued operation's result, as a batch runner records it before settling the promise. */
export type OpOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface BatchItem {
  reject(error: unknown): void;
}

export class BatchQueue<Item extends BatchItem> {
  private items: Item[] = [];
  private running = false;
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private whenIdle: (() => void)[] = [];

  constructor(
    private readonly runBatch: (batch: Item[]) => Promise<void> | void,
    private readonly maxBatchSize: number,
  ) {
    if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
    }
  }

  /** Accepts an item, or rejects it with `closed` once close() was called. */
  push(item: Item): void {
    if (this.closed) {
      item.reject(new QueueStoreError("closed", "queue store is closed"));
      return;
    }
    this.items.push(item);
    this.schedule();
  }

  /** Puts items back at the head for the next batch — they were accepted, so even after close(). */
  pushFront(items: readonly Item[]): void {
    this.items.unshift(...items);
    this.schedule();
  }

  /** Refuses new items; resolves once every accepted item has been run. */
  close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  private schedule(): void {
    // setImmediate runs after pending microtasks and I/O callbacks, so calls they make join the batch.
    if (!this.running) this.scheduled ??= setImmediate(() => void this.runNext());
  }

  private async runNext(): Promise<void> {
    this.scheduled = null;
    const batch = this.items.splice(0, this.maxBatchSize);
    if (batch.length === 0) return;
    this.running = true;
    try {
      await this.runBatch(batch);
    } catch (error) {
      // runBatch settles every item itself; this only keeps a bug there from stranding callers.
      for (const item of batch) item.reject(error);
    } finally {
      this.running = false;
    }
    if (this.items.length > 0) this.schedule();
    else for (const resolve of this.whenIdle.splice(0)) resolve();
  }
}
