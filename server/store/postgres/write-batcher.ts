import type pg from "pg";
import { BatchQueue, type CommittedBatch, type OpOutcome } from "../batch-queue.js";
import { isConnectionLost, isRetryable, StoreUnavailableError, toStoreFailure } from "./errors.js";
import { lockThreadsInOrder, type ThreadLockTargets } from "./ops/lock-thread.js";
import type { Db } from "./ops/op-context.js";

/**
 * Group commit on PostgreSQL. A batch (see BatchQueue) with writes runs in ONE transaction on
 * one pooled connection, and its promises settle only after COMMIT returned: an acknowledged
 * write is a committed write, while N writers share one WAL flush.
 *
 * Ops run one after another with no SAVEPOINT between them (a savepoint per op cost a round
 * trip each — half of an append's). When an op fails (unknown thread, reorder mismatch, a
 * refused statement), the transaction is rolled back whole: that op rejects alone, and the
 * others — whose effects were rolled back with it and never reported — run again at the head of
 * the next batch. So one op's failure still touches no other op's outcome, and a batch costs
 * one round trip per statement. If the transaction itself is lost (the connection dies, COMMIT
 * fails) every op of the batch rejects, even those that ran: none of their effects were
 * acknowledged.
 *
 * Before its ops, a batch locks every thread they name, in id order (ops/lock-thread.ts), so
 * batches of several instances never lock the same threads in opposite orders. Should a
 * deadlock still pick this batch as its victim (a writer outside the store), the victim had no
 * effect: the whole batch, or the one op, runs again in the next batch.
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

type Work = (db: Db) => Promise<unknown>;

/** The threads a write changes, named directly or through one of their queued turns. */
export type ThreadLock = { threadId: string } | { threadIds: readonly string[] } | { queuedTurnId: string };

interface QueuedOp {
  kind: "read" | "write";
  work: Work;
  lock: ThreadLock | undefined;
  attempts: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}


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

  read<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.enqueue("read", work, undefined);
  }

  /** `lock` names the thread the write will lock, so the batch can lock it up front, in order. */
  write<T>(work: (db: Db) => Promise<T>, lock?: ThreadLock): Promise<T> {
    return this.enqueue("write", work, lock);
  }

  /** Runs everything already accepted, then refuses new work. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private enqueue<T>(kind: QueuedOp["kind"], work: (db: Db) => Promise<T>, lock: ThreadLock | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, work, lock, attempts: 0, resolve: resolve as (value: unknown) => void, reject });
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
    for (const op of batch) op.attempts++;
    const outcomes: OpOutcome[] = [];
    let failure: { index: number; error: unknown } | undefined;
    try {
      const targets = lockTargets(batch);
      const db: Db = { query: client.query.bind(client), lockedThreads: targets ? await lockThreadsInOrder(client, targets) : new Set() };
      for (const [index, op] of batch.entries()) {
        const outcome = await attempt(() => op.work(db));
        if (!outcome.ok) {
          if (isConnectionLost(outcome.error)) throw outcome.error;
          failure = { index, error: outcome.error };
          break;
        }
        outcomes.push(outcome);
      }
      if (failure !== undefined) {
        await client.query("ROLLBACK");
      } else {
        const commit = await client.query("COMMIT");
        // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error.
        if (commit.command !== "COMMIT") throw new Error(`COMMIT ended as ${commit.command}: the batch's transaction was aborted`);
      }
    } catch (error) {
      // Nothing of this batch survived, so no op of it may be reported as done. The connection's
      // state is unknown: it is closed rather than returned to the pool.
      client.release(asError(error));
      this.settleLost(batch, error);
      return;
    }
    client.release();
    if (failure !== undefined) {
      this.redoWithout(batch, failure.index, failure.error);
      return;
    }
    const writes = batch.filter((op) => op.kind === "write").length;
    this.options.onCommit?.({ ops: batch.length, writes });
    this.settle(batch, outcomes);
  }

  /**
   * One op failed and the batch was rolled back: that op rejects (or, as a deadlock victim, runs
   * again), the others run again first thing — their rolled-back run does not count as an attempt.
   */
  private redoWithout(batch: readonly QueuedOp[], failedIndex: number, error: unknown): void {
    const again: QueuedOp[] = [];
    batch.forEach((op, index) => {
      if (index !== failedIndex) {
        op.attempts--;
        again.push(op);
      } else if (this.mayRetry(op, error)) {
        again.push(op);
      } else {
        op.reject(toStoreFailure(error));
      }
    });
    if (again.length > 0) this.queue.pushFront(again);
  }

  /** Resolves what succeeded, queues deadlock victims for the next batch, rejects the rest. */
  private settle(batch: readonly QueuedOp[], outcomes: readonly OpOutcome[]): void {
    const again: QueuedOp[] = [];
    batch.forEach((op, index) => {
      const outcome = outcomes[index] ?? { ok: false, error: new Error("operation was not run") };
      if (outcome.ok) op.resolve(outcome.value);
      else if (this.mayRetry(op, outcome.error)) again.push(op);
      else op.reject(toStoreFailure(outcome.error));
    });
    if (again.length > 0) this.queue.pushFront(again);
  }

  /** The transaction is gone. A deadlock victim is run again; anything else fails every op. */
  private settleLost(batch: readonly QueuedOp[], error: unknown): void {
    if (batch.every((op) => this.mayRetry(op, error))) {
      this.queue.pushFront(batch);
      return;
    }
    for (const op of batch) op.reject(toStoreFailure(error));
  }

  private mayRetry(op: QueuedOp, error: unknown): boolean {
    return isRetryable(error) && op.attempts < this.maxAttempts;
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
        await client.query("BEGIN");
        return client;
      } catch (error) {
        client.release(asError(error));
        if (tries >= 2 || !isConnectionLost(error)) throw error;
      }
    }
  }

  private async runReads(batch: readonly QueuedOp[]): Promise<void> {
    for (let tries = 1; ; tries++) {
      let client: pg.PoolClient;
      try {
        client = await this.connect();
      } catch (error) {
        for (const op of batch) op.reject(toStoreFailure(error));
        return;
      }
      const outcomes: OpOutcome[] = [];
      let lost: unknown;
      for (const op of batch) {
        op.attempts++;
        const outcome: OpOutcome = lost === undefined ? await attempt(() => op.work(client)) : { ok: false, error: lost };
        if (!outcome.ok && isConnectionLost(outcome.error)) lost ??= outcome.error;
        outcomes.push(outcome);
      }
      client.release(lost === undefined ? undefined : asError(lost));
      // Reads change nothing, so a batch whose connection was dead from the start (see begin())
      // runs once more on a fresh one.
      const deadFromStart = lost !== undefined && outcomes[0]?.ok === false && outcomes[0].error === lost;
      if (tries < 2 && deadFromStart) continue;
      this.settle(batch, outcomes);
      return;
    }
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

function lockTargets(batch: readonly QueuedOp[]): ThreadLockTargets | undefined {
  const threadIds = new Set<string>();
  const queuedTurnIds = new Set<string>();
  for (const { lock } of batch) {
    if (lock === undefined) continue;
    if ("threadId" in lock) threadIds.add(lock.threadId);
    else if ("threadIds" in lock) for (const id of lock.threadIds) threadIds.add(id);
    else queuedTurnIds.add(lock.queuedTurnId);
  }
  if (threadIds.size === 0 && queuedTurnIds.size === 0) return undefined;
  return { threadIds: [...threadIds], queuedTurnIds: [...queuedTurnIds] };
}

async function attempt(work: () => Promise<unknown>): Promise<OpOutcome> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
