import { BatchQueue, type CommittedBatch, type OpOutcome } from "../batch-queue.js";
import type { Db } from "./open-database.js";

/**
 * Group commit on SQLite. Operations queued in the same tick form a batch (../batch-queue.ts)
 * that runs in ONE `BEGIN IMMEDIATE … COMMIT`, and their promises settle only after that
 * COMMIT, so an acknowledged write is a durable write while N writers share one fsync instead
 * of paying one each.
 *
 * Each write runs inside its own SAVEPOINT: one op's failure (unknown thread, reorder mismatch)
 * rolls back that op alone and rejects only its promise. If the transaction itself is lost
 * (BEGIN or COMMIT fails, or SQLite aborts it mid-batch) every op of the batch rejects, even
 * those that ran: none of their effects survived.
 *
 * Reads go through the same queue so that effects are seen in call order; a batch of reads
 * alone needs no transaction.
 */

export type { CommittedBatch };

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

export class WriteBatcher {
  private readonly queue: BatchQueue<QueuedOp>;
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
    this.queue = new BatchQueue((batch) => this.runBatch(batch), options.maxBatchSize ?? 1024);
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

  /** Refuses new work; resolves once everything already accepted has run. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private enqueue<T>(kind: OpKind, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private runBatch(batch: readonly QueuedOp[]): void {
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

  private runTransaction(batch: readonly QueuedOp[]): { committed: boolean; outcomes: OpOutcome[] } {
    const outcomes: OpOutcome[] = [];
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

function attempt(work: () => unknown): OpOutcome {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}
