import type {
  AppendQueuedTurnOptions,
  CreateThreadInput,
  QueuedTurnRecord,
  QueuedTurnsPage,
  QueuedTurnsPageRequest,
  QueueStore,
  ThreadRecord,
} from "../queue-store.js";
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
  /** Clock for created/updated timestamps. */
  now?: () => number;
}

export type { CommittedBatch };

function prepareOps(context: OpContext) {
  const list = prepareListVisibleQueuedTurns(context);
  return {
    createThread: prepareCreateThread(context),
    getThread: prepareGetThread(context),
    append: prepareAppendQueuedTurn(context),
    list,
    delete: prepareDeleteQueuedTurn(context),
    reorder: prepareReorderQueuedTurns(context, list),
    claimHead: prepareClaimHeadQueuedTurn(context),
    setDispatchTurnId: prepareSetDispatchTurnId(context),
    removeDispatching: prepareRemoveDispatchingQueuedTurn(context),
    markFailed: prepareMarkQueuedTurnFailed(context),
    recoverDispatching: prepareRecoverDispatchingQueuedTurns(context),
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
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    readonly schemaVersion: number,
    options: SqliteQueueStoreOptions,
    now: () => number,
  ) {
    this.ops = prepareOps({ db, now });
    this.batcher = new WriteBatcher(db, { onCommit: options.onBatchCommit, maxBatchSize: options.maxBatchSize });
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

  appendQueuedTurn(threadId: string, turnStartParamsJson: string, options?: AppendQueuedTurnOptions): Promise<QueuedTurnRecord> {
    return this.batcher.write(() => this.ops.append(threadId, turnStartParamsJson, options));
  }

  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]> {
    return this.batcher.read(() => this.ops.list.all(threadId));
  }

  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage> {
    return this.batcher.read(() => this.ops.list.page(threadId, page));
  }

  deleteQueuedTurn(threadId: string, queuedTurnId: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.delete(threadId, queuedTurnId));
  }

  reorderQueuedTurns(threadId: string, queuedTurnIds: readonly string[]): Promise<QueuedTurnRecord[]> {
    return this.batcher.write(() => this.ops.reorder(threadId, queuedTurnIds));
  }

  claimHeadQueuedTurn(threadId: string): Promise<QueuedTurnRecord | null> {
    return this.batcher.write(() => this.ops.claimHead(threadId));
  }

  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.setDispatchTurnId(queuedTurnId, turnId));
  }

  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.removeDispatching(threadId, turnId));
  }

  markQueuedTurnFailed(queuedTurnId: string, failureJson: string): Promise<boolean> {
    return this.batcher.write(() => this.ops.markFailed(queuedTurnId, failureJson));
  }

  recoverDispatchingQueuedTurns(threadId: string, failureJson: string): Promise<number> {
    return this.batcher.write(() => this.ops.recoverDispatching(threadId, failureJson));
  }

  close(): Promise<void> {
    // Synchronous up to here, so a call made after close() in the same tick is refused.
    this.closing ??= new Promise<void>((resolve) => {
      this.batcher.close();
      this.db.close();
      resolve();
    });
    return this.closing;
  }
}
