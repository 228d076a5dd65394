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
}

export interface AppendQueuedTurnOptions {
  /** Rows (of any state) the thread may hold; the append fails with `queue_full` beyond it. */
  maxQueueLength?: number;
}

export interface QueuedTurnsPageRequest {
  /** Keyset position: return rows with `queueOrder` strictly greater. Omit for the first page. */
  afterOrder?: number | null;
  /** Rows per page, at least 1. */
  limit: number;
}

export interface QueuedTurnsPage {
  rows: QueuedTurnRecord[];
  /** Whether visible rows exist after the last one returned. */
  hasMore: boolean;
}

export interface QueueStore {
  createThread(input: CreateThreadInput): Promise<ThreadRecord>;
  getThread(threadId: string): Promise<ThreadRecord | null>;

  /**
   * Appends a `pending` row at the tail of the thread's queue (queue_order = max + 1) in one
   * statement. Rejects with `thread_not_found`, `queue_full` or `invalid_json`.
   */
  appendQueuedTurn(
    threadId: string,
    turnStartParamsJson: string,
    options?: AppendQueuedTurnOptions,
  ): Promise<QueuedTurnRecord>;

  /** Pending and failed rows, in queue order. */
  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]>;

  /** Keyset page of visible rows: a deep page costs the same as the first. */
  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage>;

  /** Deletes a pending or failed row of that thread; false for unknown, other-thread or dispatching rows. */
  deleteQueuedTurn(threadId: string, queuedTurnId: string): Promise<boolean>;

  /**
   * Rewrites the order of the visible rows to `queuedTurnIds`, which must name every visible row
   * exactly once (else `reorder_mismatch`). A dispatching row is not visible: it keeps its claim
   * and its place. Returns the visible queue after the change.
   */
  reorderQueuedTurns(threadId: string, queuedTurnIds: readonly string[]): Promise<QueuedTurnRecord[]>;

  /**
   * Atomically moves the head visible row to `dispatching` if it is `pending` and no row of the
   * thread is `dispatching`. Null when the queue is empty, already dispatching, or headed by a
   * failed row. Single winner across connections and processes.
   */
  claimHeadQueuedTurn(threadId: string): Promise<QueuedTurnRecord | null>;

  /** Records the turn started for a dispatching row; false if the row is no longer dispatching. */
  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean>;

  /**
   * Removes the thread's dispatching row whose recorded turn id is `turnId` (its turn has
   * started). A different turn — e.g. a direct `turn/start` — never clears the claim.
   */
  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean>;

  /** dispatching → failed with `failureJson`; the row keeps its place. False if not dispatching. */
  markQueuedTurnFailed(queuedTurnId: string, failureJson: string): Promise<boolean>;

  /** Restart recovery: every dispatching row of the thread → failed. Returns how many. */
  recoverDispatchingQueuedTurns(threadId: string, failureJson: string): Promise<number>;

  /** Waits for accepted operations to finish, then releases the backend. Later calls reject with `closed`. */
  close(): Promise<void>;
}

export type QueueStoreErrorCode =
  | "thread_not_found"
  | "thread_exists"
  | "queue_full"
  | "reorder_mismatch"
  | "invalid_json"
  | "invalid_argument"
  | "closed"
  | "schema_too_new";

/** The exact text upstream reports (the server prefixes `failed to reorder queued turns: `). */
export const REORDER_MISMATCH_MESSAGE = "queue reorder must include every visible queued turn exactly once";

/** Errors the caller can act on; anything else thrown by a store is an internal failure. */
export class QueueStoreError extends Error {
  override readonly name = "QueueStoreError";
  constructor(
    readonly code: QueueStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isQueueStoreError(value: unknown, code?: QueueStoreErrorCode): value is QueueStoreError {
  return value instanceof QueueStoreError && (code === undefined || value.code === code);
}
