import { randomUUID } from "node:crypto";
import { DEFAULT_DEDUPE_RETENTION_MS } from "../queue-store.js";
import type {
  AppendedQueuedTurn,
  ForwardedTurnStart,
  ForwardedTurnStartState,
  TurnEvent,
  AppendQueuedTurnOptions,
  ClaimHeadOptions,
  CreateThreadInput,
  QueuedTurnRecord,
  QueueWriteOptions,
  RequeueUnstartedOptions,
  QueuedTurnsPage,
  QueuedTurnsPageRequest,
  QueueChangeListener,
  QueueSnapshot,
  QueueStore,
  ThreadLeaseOutcome,
  ThreadLeaseRequest,
  ThreadRecord,
} from "../queue-store.js";
import { reportCommitted, VersionCapture } from "../committed-version.js";
import { SqliteChangeFeed } from "./change-feed.js";
import { loadMigrations, migrate } from "./migrate.js";
import { openDatabase, type Db, type SqliteSynchronous } from "./open-database.js";
import { prepareAppendQueuedTurn } from "./ops/append-queued-turn.js";
import { prepareClaimHeadQueuedTurn } from "./ops/claim-head-queued-turn.js";
import { prepareCreateThread } from "./ops/create-thread.js";
import { prepareDeleteQueuedTurn } from "./ops/delete-queued-turn.js";
import { prepareGetThread } from "./ops/get-thread.js";
import { prepareListVisibleQueuedTurns } from "./ops/list-visible-queued-turns.js";
import { prepareMarkQueuedTurnFailed } from "./ops/mark-queued-turn-failed.js";
import type { OpContext } from "./ops/op-context.js";
import { prepareRecoverDispatchingQueuedTurns } from "./ops/recover-dispatching-queued-turns.js";
import { prepareRemoveDispatchingQueuedTurn } from "./ops/remove-dispatching-queued-turn.js";
import { prepareReorderQueuedTurns } from "./ops/reorder-queued-turns.js";
import { prepareSetDispatchTurnId } from "./ops/set-dispatch-turn-id.js";
import { prepareBumpQueueVersion, prepareQueueVersionReads } from "./ops/queue-version.js";
import { prepareThreadLeaseOps } from "./ops/thread-leases.js";
import { prepareRequeueUnstartedQueuedTurns } from "./ops/requeue-unstarted-queued-turns.js";
import { prepareForwardedTurnStartOps } from "./ops/forwarded-turn-starts.js";
import { preparePublishTurnEvent, registerStoreProcess } from "./ops/turn-events.js";
import { WriteBatcher, type CommittedBatch } from "./write-batcher.js";

export interface SqliteQueueStoreOptions {
  /** Database file (its folder is created owner-only if missing), or ":memory:". */
  path: string;
  /** Default FULL: every acknowledged write survives power loss. */
  synchronous?: SqliteSynchronous;
  /** Default 5000: another process holding the write lock is waited for, up to this long. */
  busyTimeoutMs?: number;
  /** Most operations per group-commit transaction. Default 1024. */
  maxBatchSize?: number;
  /** Observes each group commit (tests, benchmarks). */
  onBatchCommit?: (batch: CommittedBatch) => void;
  /** Clock for created/updated timestamps and lease expiry. */
  now?: () => number;
  /**
   * How often a store with change listeners checks whether another process committed to the
   * file (`PRAGMA data_version`), reported as a `resync`. Default 250; 0 turns it off.
   */
  changePollIntervalMs?: number;
  /** How long the ids of dispatched rows are remembered for idempotent adds. Default 24 h. */
  dedupeRetentionMs?: number;
}

export type { CommittedBatch };

function prepareOps(context: OpContext, origin: string) {
  const list = prepareListVisibleQueuedTurns(context);
  const bump = prepareBumpQueueVersion(context);
  const recoverDispatching = prepareRecoverDispatchingQueuedTurns(context, bump);
  return {
    createThread: prepareCreateThread(context),
    getThread: prepareGetThread(context),
    append: prepareAppendQueuedTurn(context, bump),
    list,
    versions: prepareQueueVersionReads(context, list),
    delete: prepareDeleteQueuedTurn(context, bump),
    reorder: prepareReorderQueuedTurns(context, list, bump),
    claimHead: prepareClaimHeadQueuedTurn(context, bump),
    setDispatchTurnId: prepareSetDispatchTurnId(context),
    removeDispatching: prepareRemoveDispatchingQueuedTurn(context),
    markFailed: prepareMarkQueuedTurnFailed(context, bump),
    recoverDispatching,
    requeueUnstarted: prepareRequeueUnstartedQueuedTurns(context, bump),
    leases: prepareThreadLeaseOps(context, recoverDispatching),
    publishTurnEvent: preparePublishTurnEvent(context, origin),
    forwarded: prepareForwardedTurnStartOps(context),
  };
}

/**
 * The embedded backend: one better-sqlite3 connection per store, every operation queued on a
 * group-commit batcher. Several stores (processes) may share one file; SQLite's write lock and
 * the busy timeout serialize them.
 */
export class SqliteQueueStore implements QueueStore {
  private readonly ops: ReturnType<typeof prepareOps>;
  private readonly batcher: WriteBatcher;
  private readonly feed: SqliteChangeFeed;
  /** The version the running write's bump produced (writes run one at a time, synchronously). */
  private readonly capture = new VersionCapture();
  private closing: Promise<void> | undefined;
  /** Removes this store from `store_processes` (at close). */
  private readonly unregister: () => void;

  private constructor(
    private readonly db: Db,
    readonly schemaVersion: number,
    options: SqliteQueueStoreOptions,
    now: () => number,
  ) {
    const origin = randomUUID();
    this.feed = new SqliteChangeFeed(db, options.path, options.changePollIntervalMs ?? 250, origin);
    this.unregister = options.path === ":memory:" ? () => undefined : registerOrNot(db, origin, now());
    const feed = this.feed;
    const capture = this.capture;
    this.ops = prepareOps({
      db,
      now,
      changes: {
        note(threadId, version) {
          capture.note(version);
          feed.note(threadId, version);
        },
      },
      dedupeRetentionMs: options.dedupeRetentionMs ?? DEFAULT_DEDUPE_RETENTION_MS,
    }, origin);
    this.batcher = new WriteBatcher(db, {
      onCommit: (batch) => {
        this.feed.committed();
        options.onBatchCommit?.(batch);
      },
      onAbort: () => this.feed.aborted(),
      maxBatchSize: options.maxBatchSize,
    });
  }

  /** Opens the file, applies pending migrations, prepares every statement. */
  static async open(options: SqliteQueueStoreOptions): Promise<SqliteQueueStore> {
    const now = options.now ?? Date.now;
    const db = openDatabase(options.path, {
      synchronous: options.synchronous ?? "FULL",
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    });
    try {
      const version = migrate(db, loadMigrations(), now);
      return new SqliteQueueStore(db, version, options, now);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  createThread(input: CreateThreadInput): Promise<ThreadRecord> {
    return this.batcher.write(() => this.ops.createThread(input));
  }

  getThread(threadId: string): Promise<ThreadRecord | null> {
    return this.batcher.read(() => this.ops.getThread(threadId));
  }

  appendQueuedTurn(threadId: string, turnStartParamsJson: string, options?: AppendQueuedTurnOptions): Promise<AppendedQueuedTurn> {
    return this.versioned(() => this.ops.append(threadId, turnStartParamsJson, options), options);
  }

  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]> {
    return this.batcher.read(() => this.ops.list.all(threadId));
  }

  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage> {
    return this.batcher.read(() => this.ops.list.page(threadId, page));
  }

  deleteQueuedTurn(threadId: string, queuedTurnId: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned(() => this.ops.delete(threadId, queuedTurnId), options);
  }

  reorderQueuedTurns(threadId: string, queuedTurnIds: readonly string[], options?: QueueWriteOptions<QueuedTurnRecord[]>): Promise<QueuedTurnRecord[]> {
    return this.versioned(() => this.ops.reorder(threadId, queuedTurnIds), options);
  }

  readQueueSnapshot(threadId: string): Promise<QueueSnapshot> {
    return this.batcher.read(() => this.ops.versions.snapshot(threadId));
  }

  readQueueVersions(threadIds: readonly string[]): Promise<Map<string, number>> {
    return this.batcher.read(() => this.ops.versions.versions(threadIds));
  }

  claimHeadQueuedTurn(threadId: string, leaseOwnerId?: string, options?: ClaimHeadOptions): Promise<QueuedTurnRecord | null> {
    return this.versioned(() => this.ops.claimHead(threadId, leaseOwnerId, options?.dispatchTurnId), options);
  }

  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.setDispatchTurnId(queuedTurnId, turnId));
  }

  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.removeDispatching(threadId, turnId));
  }

  markQueuedTurnFailed(queuedTurnId: string, failureJson: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned(() => this.ops.markFailed(queuedTurnId, failureJson), options);
  }

  recoverDispatchingQueuedTurns(threadId: string, failureJson: string, options?: QueueWriteOptions<number>): Promise<number> {
    return this.versioned(() => this.ops.recoverDispatching(threadId, failureJson), options);
  }

  requeueUnstartedQueuedTurns(threadId: string, options?: RequeueUnstartedOptions): Promise<number> {
    return this.versioned(() => this.ops.requeueUnstarted(threadId, options?.turnIds ?? []), options);
  }

  acquireThreadLease(threadId: string, request: ThreadLeaseRequest, options?: QueueWriteOptions<ThreadLeaseOutcome>): Promise<ThreadLeaseOutcome> {
    return this.versioned(() => this.ops.leases.acquire(threadId, request), options);
  }

  renewThreadLeases(ownerId: string, threadIds: readonly string[], ttlMs: number): Promise<string[]> {
    return this.batcher.write(() => this.ops.leases.renew(ownerId, threadIds, ttlMs));
  }

  releaseThreadLeases(ownerId: string, threadIds: readonly string[]): Promise<number> {
    return this.batcher.write(() => this.ops.leases.release(ownerId, threadIds));
  }

  subscribeQueueChanges(listener: QueueChangeListener): () => void {
    return this.feed.subscribe(listener);
  }

  /**
   * Alone on the file (the usual single server), nothing is written and no batch is queued: the
   * check is a read outside the batcher (ops run synchronously, so no transaction is open here).
   * Otherwise the event is written in the next batch.
   */
  publishTurnEvent(event: TurnEvent): Promise<void> {
    if (this.closing !== undefined || !this.ops.publishTurnEvent.othersOnFile()) return Promise.resolve();
    return this.batcher.write(() => this.ops.publishTurnEvent.publish(event));
  }

  forwardTurnStart(request: ForwardedTurnStart): Promise<void> {
    return this.batcher.write(() => this.ops.forwarded.forward(request));
  }

  /** A read first: the poll asks on every change of the file, and mostly nothing waits. */
  async takeForwardedTurnStarts(holderId: string): Promise<ForwardedTurnStart[]> {
    if (!(await this.batcher.read(() => this.ops.forwarded.anyFor(holderId)))) return [];
    return this.batcher.write(() => this.ops.forwarded.take(holderId));
  }

  answerForwardedTurnStart(requestId: string, answerJson: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.forwarded.answer(requestId, answerJson));
  }

  collectForwardedTurnStart(requestId: string, withdraw: boolean): Promise<ForwardedTurnStartState> {
    return this.batcher.write(() => this.ops.forwarded.collect(requestId, withdraw));
  }

  /** A write whose queue version bump (if any) is reported to `options.onCommitted` after COMMIT. */
  private versioned<T>(work: () => T, options: QueueWriteOptions<T> | undefined): Promise<T> {
    return this.batcher.write(() => this.capture.run(work)).then(reportCommitted(options));
  }

  close(): Promise<void> {
    // batcher.close() runs before the first await, so a call made after close() in the same tick is refused.
    this.closing ??= (async () => {
      await this.batcher.close();
      this.feed.close();
      try {
        this.unregister();
      } catch {
        // A file that cannot be written any more: the row is recognised as a gone process later.
      }
      this.db.close();
    })();
    return this.closing;
  }
}

/** A file this process cannot write (read-only, full) still opens: it only goes unregistered. */
function registerOrNot(db: Db, origin: string, now: number): () => void {
  try {
    return registerStoreProcess(db, origin, now);
  } catch {
    return () => undefined;
  }
}
