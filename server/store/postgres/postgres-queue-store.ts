import { randomUUID } from "node:crypto";
import type pg from "pg";
import { DEFAULT_DEDUPE_RETENTION_MS } from "../queue-store.js";
import type {
  FollowerAnnouncements,
  AppendedQueuedTurn,
  ForwardedTurnStart,
  ForwardedTurnStartState,
  TurnEvent,
  AppendQueuedTurnOptions,
  ClaimHeadOptions,
  CreateThreadInput,
  QueueChangeListener,
  QueuedTurnRecord,
  QueuedTurnsPage,
  QueuedTurnsPageRequest,
  QueueSnapshot,
  QueueStore,
  QueueWriteOptions,
  RequeueUnstartedOptions,
  ThreadLeaseOutcome,
  ThreadLeaseRequest,
  ThreadRecord,
} from "../queue-store.js";
import { LISTENING, tellListener } from "../tell-listener.js";
import { reportCommitted, VersionCapture } from "../committed-version.js";
import { PgChangeListener } from "./change-listener.js";
import { StoreUnavailableError, toStoreFailure } from "./errors.js";
import { loadPostgresMigrations, migrate } from "./migrate.js";
import { appendQueuedTurn } from "./ops/append-queued-turn.js";
import { claimHeadQueuedTurn, lostClaimAsNull } from "./ops/claim-head-queued-turn.js";
import { createThread } from "./ops/create-thread.js";
import { deleteQueuedTurn } from "./ops/delete-queued-turn.js";
import { getThread } from "./ops/get-thread.js";
import { listVisibleQueuedTurns, listVisibleQueuedTurnsPage } from "./ops/list-visible-queued-turns.js";
import { markQueuedTurnFailed } from "./ops/mark-queued-turn-failed.js";
import type { Db, OpContext } from "./ops/op-context.js";
import { recoverDispatchingQueuedTurns } from "./ops/recover-dispatching-queued-turns.js";
import { removeDispatchingQueuedTurn } from "./ops/remove-dispatching-queued-turn.js";
import { reorderQueuedTurns } from "./ops/reorder-queued-turns.js";
import { setDispatchTurnId } from "./ops/set-dispatch-turn-id.js";
import { readQueueSnapshot, readQueueVersions } from "./ops/queue-version.js";
import { acquireThreadLease, releaseThreadLeases, renewThreadLeases } from "./ops/thread-leases.js";
import { requeueUnstartedQueuedTurns } from "./ops/requeue-unstarted-queued-turns.js";
import { answerForwardedTurnStart, collectForwardedTurnStart, forwardTurnStart, takeForwardedTurnStarts } from "./ops/forwarded-turn-starts.js";
import { createPool } from "./pool.js";
import { PgWriteBatcher, type CommittedBatch, type ThreadLock } from "./write-batcher.js";

export interface PostgresQueueStoreOptions {
  /** `postgres://user@host:port/database`; libpq-style parameters (sslmode, …) as pg accepts them. */
  connectionString: string;
  /**
   * Most connections. The store runs one batch at a time (effects in call order, as with
   * SQLite), so it needs one; a second lets a replacement connect while a dead one closes.
   * Default 2.
   */
  poolSize?: number;
  /** Shown in pg_stat_activity, e.g. to tell instances apart. Default "thread-queue-store". */
  applicationName?: string;
  /** Schema holding the tables (created if missing); default: the connection's search_path. */
  schema?: string;
  /** Give up connecting after this long. Default 5000. */
  connectionTimeoutMs?: number;
  /** Server-side limit per statement, lock waits included. Default 30000. */
  statementTimeoutMs?: number;
  /** Client-side limit per reply, for a server that stopped answering. Default statementTimeoutMs + 5000. */
  queryTimeoutMs?: number;
  /** Most operations per group-commit transaction. Default 64 (see README: subtransactions). */
  maxBatchSize?: number;
  /** Observes each group commit (tests, benchmarks). */
  onBatchCommit?: (batch: CommittedBatch) => void;
  /** An idle pooled connection failed (it is replaced on next use); for logging. */
  onConnectionError?: (error: Error) => void;
  /** The LISTEN connection failed or could not connect (it reconnects with backoff); for logging. */
  onListenError?: (error: Error) => void;
  /** First delay before reconnecting the LISTEN connection (doubles up to 5 s). Default 100. */
  listenBackoffMs?: number;
  /** Clock for created/updated timestamps. */
  now?: () => number;
  /** How long the ids of dispatched rows are remembered for idempotent adds. Default 24 h. */
  dedupeRetentionMs?: number;
}

export type { CommittedBatch };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The networked backend: several server instances may share one database. Every operation is
 * queued on a group-commit batcher over a small pool; each change to a thread's queue runs
 * under that thread's row lock, so instances take turns per thread (ops/lock-thread.ts).
 */
export class PostgresQueueStore implements QueueStore {
  private readonly batcher: PgWriteBatcher;
  private closing: Promise<void> | undefined;
  /** Names this store in its change notifications, so that it does not hear its own. */
  private readonly origin = randomUUID();
  private readonly listeners = new Set<QueueChangeListener>();
  private changeListener: PgChangeListener | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    readonly schemaVersion: number,
    private readonly now: () => number,
    maxBatchSize: number,
    private readonly options: PostgresQueueStoreOptions,
  ) {
    this.batcher = new PgWriteBatcher(pool, { onCommit: options.onBatchCommit, maxBatchSize });
  }

  /** Connects, applies pending migrations (under an advisory lock), and returns the store. */
  static async open(options: PostgresQueueStoreOptions): Promise<PostgresQueueStore> {
    const now = options.now ?? Date.now;
    const statementTimeoutMs = positive("statementTimeoutMs", options.statementTimeoutMs ?? 30_000);
    const maxBatchSize = positive("maxBatchSize", options.maxBatchSize ?? 64);
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new RangeError(`schema must be a lower-case identifier ([a-z_][a-z0-9_]*), got ${JSON.stringify(options.schema)}`);
    }
    const pool = createPool({
      connectionString: options.connectionString,
      poolSize: positive("poolSize", options.poolSize ?? 2),
      schema: options.schema,
      connectionTimeoutMs: positive("connectionTimeoutMs", options.connectionTimeoutMs ?? 5_000),
      statementTimeoutMs,
      queryTimeoutMs: positive("queryTimeoutMs", options.queryTimeoutMs ?? statementTimeoutMs + 5_000),
      idleInTransactionTimeoutMs: 60_000,
      applicationName: options.applicationName ?? "thread-queue-store",
      onConnectionError: options.onConnectionError,
    });
    try {
      const version = await migrate(pool, loadPostgresMigrations(), { schema: options.schema, now });
      return new PostgresQueueStore(pool, version, now, maxBatchSize, options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toStoreFailure(error);
    }
  }

  private context(db: Db, capture?: VersionCapture): OpContext {
    return {
      db,
      now: this.now,
      origin: this.origin,
      noteVersion: capture && ((version) => capture.note(version)),
      dedupeRetentionMs: this.options.dedupeRetentionMs ?? DEFAULT_DEDUPE_RETENTION_MS,
    };
  }

  /**
   * A write whose queue version bump (if any) is reported to `options.onCommitted` after COMMIT.
   * A run that the batcher repeats (its batch was rolled back for another op) notes afresh.
   */
  private versioned<T>(work: (context: OpContext) => Promise<T>, lock: ThreadLock, options: QueueWriteOptions<T> | undefined): Promise<T> {
    return this.batcher
      .write((db) => {
        const capture = new VersionCapture();
        return capture.runAsync(() => work(this.context(db, capture)));
      }, lock)
      .then(reportCommitted(options));
  }

  createThread(input: CreateThreadInput): Promise<ThreadRecord> {
    return this.batcher.write((db) => createThread(this.context(db), input));
  }

  getThread(threadId: string): Promise<ThreadRecord | null> {
    return this.batcher.read((db) => getThread(this.context(db), threadId));
  }

  appendQueuedTurn(threadId: string, turnStartParamsJson: string, options?: AppendQueuedTurnOptions): Promise<AppendedQueuedTurn> {
    return this.versioned((context) => appendQueuedTurn(context, threadId, turnStartParamsJson, options), { threadId }, options);
  }

  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]> {
    return this.batcher.read((db) => listVisibleQueuedTurns(this.context(db), threadId));
  }

  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage> {
    return this.batcher.read((db) => listVisibleQueuedTurnsPage(this.context(db), threadId, page));
  }

  deleteQueuedTurn(threadId: string, queuedTurnId: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned((context) => deleteQueuedTurn(context, threadId, queuedTurnId), { threadId }, options);
  }

  reorderQueuedTurns(threadId: string, queuedTurnIds: readonly string[], options?: QueueWriteOptions<QueuedTurnRecord[]>): Promise<QueuedTurnRecord[]> {
    return this.versioned((context) => reorderQueuedTurns(context, threadId, queuedTurnIds), { threadId }, options);
  }

  readQueueSnapshot(threadId: string): Promise<QueueSnapshot> {
    return this.batcher.read((db) => readQueueSnapshot(this.context(db), threadId));
  }

  readQueueVersions(threadIds: readonly string[]): Promise<Map<string, number>> {
    return this.batcher.read((db) => readQueueVersions(this.context(db), threadIds));
  }

  claimHeadQueuedTurn(threadId: string, leaseOwnerId?: string, options?: ClaimHeadOptions): Promise<QueuedTurnRecord | null> {
    return this.versioned((context) => claimHeadQueuedTurn(context, threadId, leaseOwnerId, options?.dispatchTurnId), { threadId }, options).catch(
      lostClaimAsNull,
    );
  }

  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean> {
    return this.batcher.write((db) => setDispatchTurnId(this.context(db), queuedTurnId, turnId), { queuedTurnId });
  }

  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean> {
    return this.batcher.write((db) => removeDispatchingQueuedTurn(this.context(db), threadId, turnId), { threadId });
  }

  markQueuedTurnFailed(queuedTurnId: string, failureJson: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned((context) => markQueuedTurnFailed(context, queuedTurnId, failureJson), { queuedTurnId }, options);
  }

  recoverDispatchingQueuedTurns(threadId: string, failureJson: string, options?: QueueWriteOptions<number>): Promise<number> {
    return this.versioned((context) => recoverDispatchingQueuedTurns(context, threadId, failureJson), { threadId }, options);
  }

  requeueUnstartedQueuedTurns(threadId: string, options?: RequeueUnstartedOptions): Promise<number> {
    return this.versioned((context) => requeueUnstartedQueuedTurns(context, threadId, options?.turnIds ?? []), { threadId }, options);
  }

  acquireThreadLease(threadId: string, request: ThreadLeaseRequest, options?: QueueWriteOptions<ThreadLeaseOutcome>): Promise<ThreadLeaseOutcome> {
    return this.versioned((context) => acquireThreadLease(context, threadId, request), { threadId }, options);
  }

  renewThreadLeases(ownerId: string, threadIds: readonly string[], ttlMs: number): Promise<string[]> {
    return this.batcher.write((db) => renewThreadLeases(this.context(db), ownerId, threadIds, ttlMs), { threadIds });
  }

  releaseThreadLeases(ownerId: string, threadIds: readonly string[]): Promise<number> {
    return this.batcher.write((db) => releaseThreadLeases(this.context(db), ownerId, threadIds), { threadIds });
  }

  /** On the LISTEN connection, like turn events; unavailable without one. */
  readonly followers: FollowerAnnouncements = {
    announceFollowing: async (threadIds, validForMs) => {
      if (threadIds.length > 0) await this.listener().announceFollowing(threadIds, validForMs);
    },
    askFollowers: async (threadIds) => {
      if (threadIds.length > 0) await this.listener().askFollowers(threadIds);
    },
  };

  /** On the LISTEN connection, outside the batches (see PgChangeListener.publish); unavailable without one. */
  async publishTurnEvent(event: TurnEvent): Promise<void> {
    await this.listener().publish(event);
  }

  /** The change feed's connection, which turn events and follower announcements travel on. */
  private listener(): PgChangeListener {
    if (this.changeListener === undefined) throw new StoreUnavailableError(new Error("no LISTEN connection: nobody subscribed to the change feed"));
    return this.changeListener;
  }

  forwardTurnStart(request: ForwardedTurnStart): Promise<void> {
    return this.batcher.write((db) => forwardTurnStart(this.context(db), request));
  }

  takeForwardedTurnStarts(holderId: string): Promise<ForwardedTurnStart[]> {
    return this.batcher.write((db) => takeForwardedTurnStarts(this.context(db), holderId));
  }

  answerForwardedTurnStart(requestId: string, answerJson: string): Promise<boolean> {
    return this.batcher.write((db) => answerForwardedTurnStart(this.context(db), requestId, answerJson));
  }

  collectForwardedTurnStart(requestId: string, withdraw: boolean): Promise<ForwardedTurnStartState> {
    return this.batcher.write((db) => collectForwardedTurnStart(this.context(db), requestId, withdraw));
  }

  /**
   * The first subscriber opens the LISTEN connection; the last one to leave closes it. Each
   * subscriber's first event is a `resync` once LISTEN is up: one joining a live connection
   * hears it at once, the others when the connection is established.
   */
  subscribeQueueChanges(listener: QueueChangeListener): () => void {
    this.listeners.add(listener);
    if (this.changeListener?.listening === true) {
      queueMicrotask(() => {
        if (this.listeners.has(listener)) tellListener(listener, LISTENING);
      });
    }
    if (this.changeListener === undefined && this.closing === undefined) {
      this.changeListener = new PgChangeListener({
        connectionString: this.options.connectionString,
        schema: this.options.schema,
        applicationName: `${this.options.applicationName ?? "thread-queue-store"} (listen)`,
        connectionTimeoutMs: this.options.connectionTimeoutMs ?? 5_000,
        origin: this.origin,
        now: this.now,
        initialBackoffMs: this.options.listenBackoffMs,
        onChange: (change) => {
          for (const each of this.listeners) tellListener(each, change);
        },
        onError: this.options.onListenError,
      });
      this.changeListener.start();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0 || this.changeListener === undefined) return;
      const stopping = this.changeListener;
      this.changeListener = undefined;
      void stopping.close();
    };
  }

  close(): Promise<void> {
    // batcher.close() runs before the first await, so a call made after close() in the same tick is refused.
    this.closing ??= (async () => {
      const listening = this.changeListener?.close();
      this.changeListener = undefined;
      this.listeners.clear();
      await this.batcher.close();
      await listening;
      await this.pool.end();
    })();
    return this.closing;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
