import { QueueStoreError } from "../queue-store.js";
import type { Db } from "./open-database.js";

/**
 * Group commit. Operations queued in the same tick run in ONE `BEGIN IMMEDIATE … COMMIT`, and
 * their promises settle only after that COMMIT, so an acknowledged write is a durable write
 * while N writers share one fsync instead of paying one each.
 *
 * Each write runs inside its own SAVEPOINT: one op's failure (unknown thread, reorder mismatch)
 * rolls back that op alone and rejects only its promise. If the transaction itself is lost
 * (BEGIN or COMMIT fails, or SQLite aborts it mid-batch) every op of the batch rejects, even
 * those that ran: none of their effects survived.
 *
 * Reads go through the same queue so that effects are seen in call order; a batch of reads
 * alone needs no transaction.
 */

export interface CommittedBatch {
  /** Operations settled by this batch. */
  ops: number;
  /** Of which writes (the transaction's size). */
  writes: number;
}

export interface WriteBatcherOptions {
  /** Called after each COMMIT — for tests and benchmarks, never for correctness. */
  onCommit?: (batch: CommittedBatch) => void;
  /** Upper bound on ops per transaction, so one huge burst cannot hold the write lock indefinitely. */
  maxBatchSize?: number;
  /** Called when a batch's transaction was lost: what its ops recorded did not happen. */
  onAbort?: () => void;
}

type OpKind = "read" | "write";

interface QueuedOp {
  kind: OpKind;
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteBatcher {
  private queue: QueuedOp[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly maxBatchSize: number;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackToSavepoint;

  constructor(
    private readonly db: Db,
    private readonly options: WriteBatcherOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1024;
    if (!Number.isSafeInteger(this.maxBatchSize) || this.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${this.maxBatchSize}`);
    }
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.savepoint = db.prepare("SAVEPOINT op");
    this.release = db.prepare("RELEASE op");
    this.rollbackToSavepoint = db.prepare("ROLLBACK TO op");
  }

  read<T>(work: () => T): Promise<T> {
    return this.enqueue("read", work);
  }

  write<T>(work: () => T): Promise<T> {
    return this.enqueue("write", work);
  }

  /** Runs everything already accepted, then refuses new work. */
  close(): void {
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    while (this.queue.length > 0) this.flush();
  }

  private enqueue<T>(kind: OpKind, work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new QueueStoreError("closed", "queue store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after pending microtasks and I/O callbacks, so calls they make join this batch.
      this.scheduled ??= setImmediate(() => this.flushAll());
    });
  }

  private flushAll(): void {
    this.scheduled = null;
    this.flush();
    if (this.queue.length > 0) this.scheduled = setImmediate(() => this.flushAll());
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatchSize);
    if (batch.length === 0) return;
    const writes = batch.filter((op) => op.kind === "write").length;
    const { committed, outcomes } =
      writes === 0 ? { committed: false, outcomes: batch.map((op) => attempt(op.work)) } : this.runTransaction(batch);
    if (committed) this.options.onCommit?.({ ops: batch.length, writes });
    else if (writes > 0) this.options.onAbort?.();
    batch.forEach((op, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) op.resolve(outcome.value);
      else op.reject(outcome ? outcome.error : new Error("operation was not run")); // unreachable: one outcome per op
    });
  }

  private runTransaction(batch: readonly QueuedOp[]): { committed: boolean; outcomes: Outcome[] } {
    const outcomes: Outcome[] = [];
    try {
      this.begin.run();
      for (const op of batch) {
        if (op.kind === "read") {
          outcomes.push(attempt(op.work));
          continue;
        }
        this.savepoint.run();
        const outcome = attempt(op.work);
        // SQLite may have rolled back the whole transaction (SQLITE_FULL, an I/O error).
        if (!this.db.inTransaction) throw outcome.ok ? new Error("transaction was rolled back") : outcome.error;
        if (!outcome.ok) this.rollbackToSavepoint.run();
        this.release.run();
        outcomes.push(outcome);
      }
      this.commit.run();
      return { committed: true, outcomes };
    } catch (error) {
      // Nothing of this batch survived, so no op of it may be reported as done.
      if (this.db.inTransaction) attempt(() => this.rollback.run());
      return { committed: false, outcomes: batch.map(() => ({ ok: false, error })) };
    }
  }
}

function attempt(work: () => unknown): Outcome {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}
