import type pg from "pg";
import type { CommittedBatch } from "../sqlite/write-batcher.js";
import { BatchQueue } from "./batch-queue.js";
import { isConnectionLost, isRetryable, StoreUnavailableError, toStoreFailure } from "./errors.js";

/**
 * Group commit on PostgreSQL. A batch (see BatchQueue) with writes runs in ONE transaction on
 * one pooled connection, and its promises settle only after COMMIT returned: an acknowledged
 * write is a committed write, while N writers share one WAL flush.
 *
 * Each op runs inside its own SAVEPOINT: one op's failure (unknown thread, reorder mismatch)
 * is rolled back alone and rejects only its promise. If the transaction itself is lost (the
 * connection dies, COMMIT fails) every op of the batch rejects, even those that ran: none of
 * their effects were acknowledged. A deadlock victim (another instance locked the same threads
 * in the other order) had no effect either; it runs again in the next batch, after this one's
 * locks are gone.
 *
 * Reads share the queue so that they see every earlier call's effect; a batch of reads alone
 * runs without a transaction.
 */

export type { CommittedBatch };

export interface PgWriteBatcherOptions {
  /** Called after each COMMIT — for tests and benchmarks, never for correctness. */
  onCommit?: (batch: CommittedBatch) => void;
  maxBatchSize: number;
  /** Runs of one op that may end as a deadlock victim before its error is reported. */
  maxAttempts?: number;
}

type Work = (db: pg.PoolClient) => Promise<unknown>;

interface QueuedOp {
  kind: "read" | "write";
  work: Work;
  attempts: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Combined into one round trip each; they take no parameters.
const BEGIN = "BEGIN; SAVEPOINT op";
const NEXT_OP = "RELEASE SAVEPOINT op; SAVEPOINT op";
const UNDO_OP = "ROLLBACK TO SAVEPOINT op";

export class PgWriteBatcher {
  private readonly queue: BatchQueue<QueuedOp>;
  private readonly maxAttempts: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgWriteBatcherOptions,
  ) {
    this.queue = new BatchQueue((batch) => this.runBatch(batch), options.maxBatchSize);
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  read<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.enqueue("read", work);
  }

  write<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.enqueue("write", work);
  }

  /** Runs everything already accepted, then refuses new work. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private enqueue<T>(kind: QueuedOp["kind"], work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, work, attempts: 0, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private runBatch(batch: QueuedOp[]): Promise<void> {
    return batch.some((op) => op.kind === "write") ? this.runTransaction(batch) : this.runReads(batch);
  }

  private async runTransaction(batch: readonly QueuedOp[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.begin();
    } catch (error) {
      for (const op of batch) op.reject(toStoreFailure(error));
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      for (const op of batch) {
        if (outcomes.length > 0) await client.query(NEXT_OP);
        op.attempts++;
        const outcome = await attempt(() => op.work(client));
        if (!outcome.ok) {
          if (isConnectionLost(outcome.error)) throw outcome.error;
          await client.query(UNDO_OP);
        }
        outcomes.push(outcome);
      }
      const commit = await client.query("COMMIT");
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error.
      if (commit.command !== "COMMIT") throw new Error(`COMMIT ended as ${commit.command}: the batch's transaction was aborted`);
    } catch (error) {
      // Nothing of this batch survived, so no op of it may be reported as done. The connection's
      // state is unknown: it is closed rather than returned to the pool.
      client.release(asError(error));
      for (const op of batch) op.reject(toStoreFailure(error));
      return;
    }
    client.release();
    const writes = batch.filter((op) => op.kind === "write").length;
    this.options.onCommit?.({ ops: batch.length, writes });
    const again: QueuedOp[] = [];
    batch.forEach((op, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) op.resolve(outcome.value);
      else if (isRetryable(outcome?.error) && op.attempts < this.maxAttempts) again.push(op);
      else op.reject(toStoreFailure(outcome ? outcome.error : new Error("operation was not run")));
    });
    if (again.length > 0) this.queue.pushFront(again);
  }

  /**
   * A pooled connection may have died while idle without the pool noticing yet (the server
   * restarted, a network path dropped). Nothing has run when BEGIN fails, so one more try on a
   * fresh connection is safe and spares the batch.
   */
  private async begin(): Promise<pg.PoolClient> {
    for (let tries = 1; ; tries++) {
      const client = await this.connect();
      try {
        await client.query(BEGIN);
        return client;
      } catch (error) {
        client.release(asError(error));
        if (tries >= 2 || !isConnectionLost(error)) throw error;
      }
    }
  }

  private async runReads(batch: readonly QueuedOp[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.connect();
    } catch (error) {
      for (const op of batch) op.reject(toStoreFailure(error));
      return;
    }
    let lost: unknown;
    for (const op of batch) {
      op.attempts++;
      const outcome: Outcome = lost === undefined ? await attempt(() => op.work(client)) : { ok: false, error: lost };
      if (!outcome.ok && lost === undefined && isConnectionLost(outcome.error)) lost = outcome.error;
      if (outcome.ok) op.resolve(outcome.value);
      else op.reject(toStoreFailure(outcome.error));
    }
    client.release(lost === undefined ? undefined : asError(lost));
  }

  /** Any failure to get a connection (refused, timed out, too many clients) is an outage. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }
}

async function attempt(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
