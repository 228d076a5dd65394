/**
 * The backend-neutral storage contract of the thread queue (SPEC §3–§4).
 *
 * Every method returns a Promise so that a networked backend (PostgreSQL, several server
 * instances on one database) implements the same interface as the embedded SQLite one.
 * A write's promise resolves only after its transaction has committed: callers may
 * acknowledge it to a client as durable.
 *
 * Row state machine (one row of `thread_queued_turns`):
 *
 *   (append) ──▶ pending ──claimHead──▶ dispatching ──removeDispatching(own turn id)──▶ (gone)
 *                   │                        │
 *                 delete                markFailed / recoverDispatching
 *                   ▼                        ▼
 *                 (gone) ◀───delete─────── failed   (visible, keeps its place, blocks FIFO)
 *
 * `dispatching` is internal: never listed, never deleted or reordered by clients.
 * At most one row per thread is `dispatching`; a `failed` head blocks every later row.
 *
 * Several server instances may share one database (PostgreSQL; SQLite on one machine). Two
 * things coordinate them:
 *
 * - **Queue versions.** Each thread has a `queue_version`, bumped in the same transaction as
 *   every visible change of its queue (append, delete, reorder, claim, fail, recover). Writers of
 *   a thread are serialized, so versions follow commit order; a snapshot carries the version it
 *   was read at, and `subscribeQueueChanges` reports `(threadId, version)` of commits made by
 *   other stores, so an instance re-reads and never sends an older snapshot after a newer one.
 * - **Thread leases.** A row `(thread_id, owner_id, expires_at_ms)`: only the owner of an
 *   unexpired lease may claim (claims name their owner and are refused otherwise), and a lease
 *   changing hands fails the claims its previous owner abandoned (SPEC §3 restart recovery), in
 *   the same transaction. Expiry is judged by the database's clock where there is one.
 */

export type QueuedTurnState = "pending" | "dispatching" | "failed";

/** A persisted thread. Ephemeral threads never reach the store: the server keeps them in memory. */
export interface ThreadRecord {
  id: string;
  cwd: string | null;
  model: string | null;
  modelProvider: string | null;
  cliVersion: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface CreateThreadInput {
  id: string;
  /** Present only so that callers can spell out intent; `true` is a type error by design. */
  ephemeral?: false;
  cwd?: string | null;
  model?: string | null;
  modelProvider?: string | null;
  cliVersion?: string | null;
  /** Defaults to the store's clock. */
  createdAtMs?: number;
}

export interface QueuedTurnRecord {
  /** UUIDv7, so ids sort by creation time. */
  queuedTurnId: string;
  threadId: string;
  /** The stored `TurnStartParams`, as compact JSON text. */
  turnStartParamsJson: string;
  /** Position within the thread; unique per thread, not necessarily contiguous. */
  queueOrder: number;
  state: QueuedTurnState;
  /** The turn started for this row while `dispatching`, once known. */
  dispatchTurnId: string | null;
  /** JSON text of the failure (a `TurnError`) when `failed`. */
  failureJson: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  /** The `clientUserMessageId` the row was added with (unique per thread among stored rows). */
  clientUserMessageId: string | null;
}

/**
 * How a caller keeps its own copy of a thread's visible queue exact without reading it back
 * (server/queue keeps one per loaded thread): a write that changes the visible queue tells it
 * the queue version it committed at.
 */
export interface QueueWriteOptions<T> {
  /**
   * Called once the write has committed a change to the thread's visible queue, before the
   * returned promise settles, with the version it committed at and the write's result. One
   * store calls these in commit order, and before it settles any later call (a snapshot read
   * after the write resolves after this). Not called when nothing visible changed.
   */
  onCommitted?: (version: number, result: T) => void;
}

export interface AppendQueuedTurnOptions extends QueueWriteOptions<QueuedTurnRecord> {
  /** Rows (of any state) the thread may hold; the append fails with `queue_full` beyond it. */
  maxQueueLength?: number;
  /**
   * Bytes of stored `turnStartParams` the thread's rows (of any state) may hold in all; the
   * append fails with `queue_too_large` when it would pass this.
   */
  maxQueueBytes?: number;
  /**
   * Makes the append idempotent (thread/queue/add's `clientUserMessageId`): when a row of the
   * thread that is still stored (any state) carries this id, or one whose turn started within
   * the store's dedupe retention did, nothing is inserted and that row comes back (`replayed`);
   * with other params the append fails with `ClientIdConflictError`. Checked under the
   * thread's write lock; a unique index makes the database refuse a second row even so.
   */
  clientUserMessageId?: string;
}

/** What an append returns: the new row, or — `replayed` — the one its `clientUserMessageId` names. */
export interface AppendedQueuedTurn extends QueuedTurnRecord {
  /**
   * `stored`: the row is still in the queue (pending, dispatching or failed), as it is now.
   * `dispatched`: its turn started within the retention window; the record is the one kept for
   * it (state `dispatching`, the last it had; `queueOrder` −1). Absent when the row is new.
   */
  readonly replayed?: "stored" | "dispatched";
}

/** A turn event of a thread, as its holder sent it to its own subscribers (the params' JSON text). */
export interface TurnEvent {
  readonly threadId: string;
  readonly method: TurnEventMethod;
  readonly paramsJson: string;
}

/** How instances tell each other who follows which thread (`QueueStore.followers`). */
export interface FollowerAnnouncements {
  /** Tells the other instances that this one follows `threadIds` for `validForMs` (at most once). */
  announceFollowing(threadIds: readonly string[], validForMs: number): Promise<void>;
  /** Asks the instances following `threadIds` to announce it now (a new lease holder; at most once). */
  askFollowers(threadIds: readonly string[]): Promise<void>;
}

export type TurnEventMethod = "turn/started" | "turn/completed" | "error";

export const TURN_EVENT_METHODS: ReadonlySet<string> = new Set<TurnEventMethod>(["turn/started", "turn/completed", "error"]);

/** A `turn/start` one instance hands to the instance holding the thread's lease. */
export interface ForwardedTurnStart {
  readonly requestId: string;
  readonly threadId: string;
  /** The lease owner it is meant for. */
  readonly holderId: string;
  /** The instance waiting for the answer. */
  readonly senderId: string;
  readonly paramsJson: string;
}

/**
 * Where a forwarded turn/start stands, as its sender collects it: `answered` (the answer's JSON,
 * the row is gone), `cancelled` (it was still pending and the sender withdrew it: nothing ran),
 * `taken` (the holder is working on it), `pending` (not taken yet, not withdrawn), `missing`.
 */
export type ForwardedTurnStartState =
  | { readonly state: "answered"; readonly answerJson: string }
  | { readonly state: "cancelled" | "taken" | "pending" | "missing" };

export interface ClaimHeadOptions extends QueueWriteOptions<QueuedTurnRecord | null> {
  /**
   * The id of the turn the caller will start for the claimed row, recorded in the claim itself
   * (one write instead of claim + `setDispatchTurnId`).
   */
  dispatchTurnId?: string;
}

export interface RequeueUnstartedOptions extends QueueWriteOptions<number> {
  /** Turn ids recorded by claims (`dispatchTurnId`) whose turns the caller knows it never started. */
  turnIds?: readonly string[];
}

export interface QueuedTurnsPageRequest {
  /** Keyset position: return rows with `queueOrder` strictly greater. Omit for the first page. */
  afterOrder?: number | null;
  /** Rows per page, at least 1. */
  limit: number;
  /**
   * Bytes of stored `turnStartParams` the page may carry: it ends before the row that would
   * pass this (with `hasMore`), but its first row comes whatever its size, so every row can be
   * read. Omit for no byte limit.
   */
  maxBytes?: number;
}

export interface QueuedTurnsPage {
  rows: QueuedTurnRecord[];
  /** Whether visible rows exist after the last one returned. */
  hasMore: boolean;
}

/** A thread's visible queue as of one committed version. */
export interface QueueSnapshot {
  /** The thread's queue version the rows were read at; 0 for a thread the store does not hold. */
  version: number;
  /** Pending and failed rows, in queue order. */
  rows: QueuedTurnRecord[];
}

export interface ThreadLeaseRequest {
  /** Who asks: unique per server instance (see server/queue/instance-id.ts). */
  ownerId: string;
  /** How long the lease lasts from now unless renewed. */
  ttlMs: number;
  /**
   * Take the lease from this owner even though it has not expired. Only for a caller that knows
   * the owner is gone (a dead process on this machine); ignored when someone else holds it.
   */
  evictOwnerId?: string;
  /**
   * When the lease changes hands (it was free, expired or evicted), the thread's `dispatching`
   * rows lost their dispatcher: they become `failed` with this `TurnError` JSON in the same
   * transaction, so no claim survives its owner and none is failed under a live one.
   */
  abandonedClaimFailureJson: string;
}

/**
 * `held`: the caller already owned it (renewed; nothing recovered — its own claims are live).
 * `free`: no lease existed (a new thread, or its owner released it at shutdown).
 * `expired`/`evicted`: taken from another owner.
 */
export type ThreadLeaseAcquisition = "held" | "free" | "expired" | "evicted";

export type ThreadLeaseOutcome =
  | {
      acquired: true;
      how: ThreadLeaseAcquisition;
      /** The owner the lease was taken from (`expired`/`evicted`), else null. */
      previousOwnerId: string | null;
      /** Dispatching rows failed because the lease changed hands. */
      recovered: number;
    }
  | { acquired: false; ownerId: string; expiresInMs: number };

/**
 * A queue change committed by ANOTHER store (another process or instance) — the caller's own
 * writes are never reported back, their promises say when they committed. `resync`: changes
 * may have been missed (the notification link was down, or another process wrote a file
 * without a notification channel); re-read what matters.
 */
export type QueueChange =
  | { type: "changed"; threadId: string; version: number }
  | { type: "resync"; reason: string }
  /** A turn event another instance published (`publishTurnEvent`), in its publish order. */
  | ({ type: "turnEvent" } & TurnEvent)
  /** Forwarded turn/starts wait for `holderId` (`takeForwardedTurnStarts`). */
  | { type: "turnStartForwarded"; holderId: string }
  /** A forwarded turn/start was answered (`collectForwardedTurnStart`). */
  | { type: "turnStartAnswered"; requestId: string }
  /** Another instance follows the thread for `validForMs` from now (`announceFollowing`). */
  | { type: "following"; threadId: string; validForMs: number }
  /** The thread's new lease holder asks its followers to announce themselves now (`askFollowers`). */
  | { type: "followersAsked"; threadId: string };

export type QueueChangeListener = (change: QueueChange) => void;

export interface QueueStore {
  createThread(input: CreateThreadInput): Promise<ThreadRecord>;
  getThread(threadId: string): Promise<ThreadRecord | null>;

  /**
   * Appends a `pending` row at the tail of the thread's queue (queue_order = max + 1) in one
   * statement. Rejects with `thread_not_found`, `queue_full` or `invalid_json`.
   */
  appendQueuedTurn(threadId: string, turnStartParamsJson: string, options?: AppendQueuedTurnOptions): Promise<AppendedQueuedTurn>;

  /** Pending and failed rows, in queue order. */
  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]>;

  /** The visible queue and the version it was read at, from one consistent read. */
  readQueueSnapshot(threadId: string): Promise<QueueSnapshot>;

  /** Current queue versions of the threads that exist among `threadIds`. */
  readQueueVersions(threadIds: readonly string[]): Promise<Map<string, number>>;

  /** Keyset page of visible rows: a deep page costs the same as the first. */
  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage>;

  /** Deletes a pending or failed row of that thread; false for unknown, other-thread or dispatching rows. */
  deleteQueuedTurn(threadId: string, queuedTurnId: string, options?: QueueWriteOptions<boolean>): Promise<boolean>;

  /**
   * Rewrites the order of the visible rows to `queuedTurnIds`, which must name every visible row
   * exactly once (else `reorder_mismatch`). A dispatching row is not visible: it keeps its claim
   * and its place. Returns the visible queue after the change.
   */
  reorderQueuedTurns(
    threadId: string,
    queuedTurnIds: readonly string[],
    options?: QueueWriteOptions<QueuedTurnRecord[]>,
  ): Promise<QueuedTurnRecord[]>;

  /**
   * Atomically moves the head visible row to `dispatching` if it is `pending` and no row of the
   * thread is `dispatching`. Null when the queue is empty, already dispatching, or headed by a
   * failed row. Single winner across connections and processes.
   *
   * With `leaseOwnerId`, the claim also requires that owner to hold the thread's unexpired
   * lease (checked in the same transaction): an instance whose lease was taken over cannot
   * claim any more, whatever it believes.
   */
  claimHeadQueuedTurn(threadId: string, leaseOwnerId?: string, options?: ClaimHeadOptions): Promise<QueuedTurnRecord | null>;

  /** Records the turn started for a dispatching row; false if the row is no longer dispatching. */
  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean>;

  /**
   * Removes the thread's dispatching row whose recorded turn id is `turnId` (its turn has
   * started). A different turn — e.g. a direct `turn/start` — never clears the claim.
   */
  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean>;

  /** dispatching → failed with `failureJson`; the row keeps its place. False if not dispatching. */
  markQueuedTurnFailed(queuedTurnId: string, failureJson: string, options?: QueueWriteOptions<boolean>): Promise<boolean>;

  /**
   * Restart recovery: every dispatching row of the thread → failed. Returns how many. With
   * several instances use `acquireThreadLease`, which recovers only when the lease changes hands.
   */
  recoverDispatchingQueuedTurns(threadId: string, failureJson: string, options?: QueueWriteOptions<number>): Promise<number>;

  /**
   * dispatching → pending for the thread's claims that have no turn recorded, or whose recorded
   * turn is one of `options.turnIds`. Only for the lease holder that knows it started no turn
   * for them: after a claim whose outcome it could not learn (the connection died while COMMIT
   * was in flight), the row may be claimed in the database although the dispatcher never got
   * it. Returns how many.
   */
  requeueUnstartedQueuedTurns(threadId: string, options?: RequeueUnstartedOptions): Promise<number>;

  /**
   * Takes or renews the thread's lease: acquired when it is free, expired, already the caller's,
   * or held by `evictOwnerId`. Rejects with `thread_not_found`. See `ThreadLeaseRequest` for the
   * recovery that happens when the lease changes hands (`onCommitted` reports it).
   */
  acquireThreadLease(threadId: string, request: ThreadLeaseRequest, options?: QueueWriteOptions<ThreadLeaseOutcome>): Promise<ThreadLeaseOutcome>;

  /** Extends the caller's leases among `threadIds`; returns the ids it still held (the others were lost). */
  renewThreadLeases(ownerId: string, threadIds: readonly string[], ttlMs: number): Promise<string[]>;

  /** Gives up the caller's leases among `threadIds` (shutdown). Returns how many it held. */
  releaseThreadLeases(ownerId: string, threadIds: readonly string[]): Promise<number>;

  /**
   * Reports queue changes committed by other stores on the same database until the returned
   * function is called. The subscriber's first event is a `resync`, once the feed is live for
   * it: commits made before then may not be reported (PostgreSQL opens its LISTEN connection
   * in the background), so a subscriber that read state earlier re-reads it then. PostgreSQL:
   * LISTEN/NOTIFY, reconnecting with backoff (a `resync` after every reconnect). SQLite: stores
   * of this process on the same file directly, other processes through a poll of the file's
   * change counter (a `resync`).
   */
  subscribeQueueChanges(listener: QueueChangeListener): () => void;

  /**
   * Hands a turn event of a thread to the other instances' change feeds (`turnEvent`), at most
   * once each and in publish order. PostgreSQL: a NOTIFY (the event through a table row when it
   * is larger than a NOTIFY payload); SQLite: a row other processes read when the file changed.
   * Resolves once committed; a failure loses the event (it is never retried: at most once).
   */
  publishTurnEvent(event: TurnEvent): Promise<void>;

  /**
   * Present where the backend tells the instances which threads others follow (PostgreSQL;
   * `following` and `followersAsked` changes), so that a holder publishes a thread's turn events
   * only while someone elsewhere follows it. Absent (SQLite, memory): every event of a persisted
   * thread is published.
   */
  readonly followers?: FollowerAnnouncements;

  /** Stores a turn/start for the thread's lease holder and tells it (`turnStartForwarded`). */
  forwardTurnStart(request: ForwardedTurnStart): Promise<void>;

  /** The holder takes every pending turn/start forwarded to it (pending → taken), oldest first. */
  takeForwardedTurnStarts(holderId: string): Promise<ForwardedTurnStart[]>;

  /** The holder answers a taken turn/start and tells its sender (`turnStartAnswered`); false if not taken. */
  answerForwardedTurnStart(requestId: string, answerJson: string): Promise<boolean>;

  /**
   * The sender's side: an answer is returned and the row removed; with `withdraw`, a request
   * not yet taken is removed too (`cancelled`: it will never run).
   */
  collectForwardedTurnStart(requestId: string, withdraw: boolean): Promise<ForwardedTurnStartState>;

  /** Waits for accepted operations to finish, then releases the backend. Later calls reject with `closed`. */
  close(): Promise<void>;
}

export type QueueStoreErrorCode =
  | "thread_not_found"
  | "thread_exists"
  | "queue_full"
  /** The append would pass `maxQueueBytes`; `QueueTooLargeError` says by how much. */
  | "queue_too_large"
  | "reorder_mismatch"
  | "invalid_json"
  | "invalid_argument"
  | "closed"
  | "schema_too_new"
  /** The database cannot be reached or did not answer in time; nothing was done. Retry later. */
  | "unavailable"
  /** An append's `clientUserMessageId` names a row with other params (`ClientIdConflictError`). */
  | "client_id_conflict";

/** The exact text upstream reports (the server prefixes `failed to reorder queued turns: `). */
export const REORDER_MISMATCH_MESSAGE = "queue reorder must include every visible queued turn exactly once";

/** Errors the caller can act on; anything else thrown by a store is an internal failure. */
export class QueueStoreError extends Error {
  override readonly name: string = "QueueStoreError";
  constructor(
    readonly code: QueueStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An append refused by `maxQueueBytes`: what the queue holds and what the row needed. */
export class QueueTooLargeError extends QueueStoreError {
  constructor(
    readonly heldBytes: number,
    readonly rowBytes: number,
    readonly maxBytes: number,
    threadId: string,
  ) {
    super("queue_too_large", `thread queue would exceed ${maxBytes} bytes (holds ${heldBytes}, row needs ${rowBytes}): ${threadId}`);
  }
}

export function isQueueStoreError(value: unknown, code?: QueueStoreErrorCode): value is QueueStoreError {
  return value instanceof QueueStoreError && (code === undefined || value.code === code);
}

/** The `clientUserMessageId` of an append is taken by a row (stored or dispatched) with other params. */
export class ClientIdConflictError extends QueueStoreError {
  constructor(
    readonly threadId: string,
    readonly clientUserMessageId: string,
    readonly queuedTurnId: string,
  ) {
    super(
      "client_id_conflict",
      `clientUserMessageId ${JSON.stringify(clientUserMessageId)} is already used by queued turn ${queuedTurnId} of thread ${threadId} with different turnStartParams`,
    );
  }
}

/** How long the ids of dispatched rows are remembered for idempotent retries, unless told otherwise: 24 h. */
export const DEFAULT_DEDUPE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** How long oversized turn events (PostgreSQL) and SQLite's turn events stay readable: 5 minutes. */
export const TURN_EVENT_RETENTION_MS = 5 * 60 * 1000;
