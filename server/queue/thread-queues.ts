/**
 * The thread queue of this server instance, as one API: `add`, `list`, `delete`, `reorder`,
 * `resume` (and `started` for a new thread), the lease a direct turn needs, and — inside each
 * loaded thread's record (thread-queue.ts) — claim, complete and fail. Handlers only translate
 * protocol params to these calls and `QueueError`s to JSON-RPC errors.
 *
 * Loaded persisted threads have a record with an in-memory view of their queue: `list` and every
 * `thread/queue/changed` come from it, kept exact by this instance's commits and re-read when
 * the store says something else happened. Threads not loaded here go straight to the store:
 * a row added to one waits until the thread is resumed somewhere.
 */
import type { QueuedTurn, TurnStartParams } from "../../generated/types/v2/index.js";
import type { Logger } from "../logger.js";
import { decodeQueueCursor, encodeQueueCursor } from "../store/queue-cursor.js";
import { ClientIdConflictError, isQueueStoreError, QueueTooLargeError, type QueueChange, type QueueStore } from "../store/queue-store.js";
import type { LoadedThread } from "../threads/loaded-thread.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import { assertInputWithinLimit, assertParamsWithinLimit, inputTextCharCount } from "../turns/input-limit.js";
import { newTurnId, type TurnLifecycleListener, type TurnStarter } from "../turns/turn-coordinator.js";
import { QueueError } from "./queue-errors.js";
import type { ViewChange } from "./queue-view.js";
import type { SnapshotHold } from "./snapshot-line.js";
import { errorMessage, failureJson, RESTART_INTERRUPTED_MESSAGE } from "./stored-params.js";
import { ThreadLeaseKeeper, type ThreadLeaseSettings } from "./thread-lease-keeper.js";
import { ThreadQueue, type ThreadQueueDeps, type ThreadQueueState } from "./thread-queue.js";
import { VisibleRow } from "./visible-row.js";

export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 100;

/**
 * Work to run once the request's response has been written (the RPC layer's request context).
 * SPEC §3's order is response, then `thread/queue/changed`, then the drain.
 */
export interface ReplyOrder {
  afterResponse(task: () => Promise<void> | void): void;
}

export interface QueueLimits {
  /** Rows one thread's queue may hold. */
  readonly maxQueueLength: number;
  /** Bytes of stored params one thread's queue may hold (the store's measure). */
  readonly maxQueueBytes: number;
  /** Text characters of one turn's input. */
  readonly maxInputChars: number;
  /** Bytes of one turn's params as JSON. */
  readonly maxTurnParamsBytes: number;
  /** Bytes of rows one `thread/queue/list` page carries (its first row always). */
  readonly maxPageBytes: number;
}

export interface ThreadQueuesInit {
  readonly store: QueueStore;
  readonly registry: ThreadRegistry;
  readonly turns: TurnStarter;
  readonly logger: Logger;
  readonly limits: QueueLimits;
  readonly leases: ThreadLeaseSettings;
  /** Turn ids for queued dispatches (tests make them predictable). */
  readonly newTurnId?: () => string;
}

export interface QueuePageRequest {
  readonly cursor?: string | null;
  /** Default 25, clamped to 1..100. */
  readonly limit?: number | null;
}

export interface QueuePage {
  readonly data: QueuedTurn[];
  readonly nextCursor: string | null;
}

export class ThreadQueues implements TurnLifecycleListener {
  private readonly records = new Map<string, ThreadQueue>();
  private readonly leases: ThreadLeaseKeeper;
  private readonly deps: ThreadQueueDeps;
  private readonly work = new Set<Promise<unknown>>();
  private stopped = false;
  private maintaining = false;
  /** A resync whose re-read failed: done again on the next lease tick. */
  private resyncOwed = false;

  constructor(private readonly init: ThreadQueuesInit) {
    this.leases = new ThreadLeaseKeeper(init.store, init.leases, failureJson(RESTART_INTERRUPTED_MESSAGE));
    this.deps = {
      store: init.store,
      leases: this.leases,
      turns: init.turns,
      deliver: (threadId, notification) => init.registry.notifyPrepared(threadId, notification),
      logger: init.logger,
      newTurnId: init.newTurnId ?? newTurnId,
      track: (work) => this.track(work),
    };
    // For the runtime's lifetime: a dispatch under way at shutdown still needs its turn's events.
    init.turns.subscribe(this);
  }

  get ownerId(): string {
    return this.leases.settings.ownerId;
  }

  /** The dispatcher state of a loaded thread's queue (tests, diagnostics). */
  stateOf(threadId: string): ThreadQueueState | undefined {
    return this.records.get(threadId)?.state;
  }

  // ── Threads ────────────────────────────────────────────────────────────────────────────

  /** thread/start: a new thread's queue is empty and its lease free — this instance dispatches it. */
  async started(thread: LoadedThread): Promise<void> {
    if (thread.ephemeral) return;
    const record = this.recordOf(thread);
    record.startedEmpty();
    try {
      await record.acquireLease();
    } finally {
      record.open();
    }
  }

  /**
   * thread/resume: reads the queue, and makes this instance the thread's dispatcher if it can
   * (restart recovery happens in that step, before the answer); when a live instance holds the
   * lease this one follows it. After the response: the queue, even if unchanged (the new
   * subscriber needs it), then the drain.
   */
  async resume(thread: LoadedThread, reply: ReplyOrder): Promise<void> {
    if (thread.ephemeral) return;
    const record = this.recordOf(thread);
    // Also after an error answer (an outage): the record then dispatches once it can read.
    reply.afterResponse(() => {
      record.resendCurrent();
      record.open();
    });
    await record.acquireLease();
    await record.ready();
  }

  /**
   * The lease a direct `turn/start` needs: a thread's turns run where its queue is dispatched,
   * so that "idle" means idle everywhere.
   */
  async allowDirectTurn(thread: LoadedThread): Promise<void> {
    if ((await this.directTurnHolder(thread)) !== null) {
      throw new QueueError("active_elsewhere", `thread ${thread.id} is active on another server instance; start its turns there`);
    }
  }

  /**
   * Where a direct turn of the thread must run: null here (this instance holds the lease, or
   * took it), else the lease holder's owner id (a forwarded turn/start goes there).
   */
  async directTurnHolder(thread: LoadedThread): Promise<string | null> {
    if (thread.ephemeral) return null;
    const record = this.recordOf(thread);
    return (await record.acquireLease()) ? null : (record.holderId ?? "");
  }

  /** Whether a claim, dispatch or read of this thread is under way here (it must stay loaded). */
  hasWorkInFlight(threadId: string): boolean {
    const record = this.records.get(threadId);
    return record !== undefined && !record.quiet;
  }

  /**
   * Drops a quiet thread's record and gives its lease up (the thread is being unloaded): false,
   * and nothing done, while a claim, dispatch or read of it is under way. A later resume reads
   * the queue again.
   */
  async unload(threadId: string): Promise<boolean> {
    if (this.hasWorkInFlight(threadId)) return false;
    await this.forget([threadId]);
    return true;
  }

  /**
   * Threads unloaded here (server/threads/idle-thread-unloader.ts checked `hasWorkInFlight`
   * first): their records are dropped and their leases released, so another instance may take
   * them at once.
   */
  async forget(threadIds: readonly string[]): Promise<void> {
    for (const threadId of threadIds) {
      this.records.get(threadId)?.stop();
      this.records.delete(threadId);
    }
    await this.leases.forget(threadIds);
  }

  // ── The queue ──────────────────────────────────────────────────────────────────────────

  /** SPEC §3 add: checks in the seed's order, appends durably, then (after the response) `changed` and a drain. */
  async add(threadId: string, turnStartParams: TurnStartParams, reply: ReplyOrder, clientUserMessageId?: string | null): Promise<QueuedTurn> {
    if (threadId !== turnStartParams.threadId) throw new QueueError("thread_mismatch", "`threadId` must match `turnStartParams.threadId`");
    await this.requireQueueable(threadId, turnStartParams);
    const json = JSON.stringify(turnStartParams);
    assertParamsWithinLimit(json, this.init.limits.maxTurnParamsBytes);
    const { maxQueueLength, maxQueueBytes } = this.init.limits;
    const record = this.records.get(threadId);
    if (record !== undefined) await record.ready();
    const hold = this.holdFor(record, reply);
    try {
      const row = await this.init.store.appendQueuedTurn(threadId, json, {
        maxQueueLength,
        maxQueueBytes,
        ...(clientUserMessageId == null ? {} : { clientUserMessageId }),
        onCommitted: (version, appended) => this.committed(threadId, version, { type: "append", row: appended }, record, hold),
      });
      // A retry of an add that is already stored or dispatched changed nothing: no `changed` follows.
      return (row.replayed === undefined ? VisibleRow.of(row) : VisibleRow.replayed(row)).queuedTurn;
    } catch (error) {
      if (error instanceof ClientIdConflictError) throw new QueueError("client_id_conflict", error.message, { cause: error });
      if (isQueueStoreError(error, "queue_full")) {
        throw new QueueError("queue_full", `queue is full: thread ${threadId} already holds ${maxQueueLength} queued turns`);
      }
      if (error instanceof QueueTooLargeError) {
        throw new QueueError(
          "queue_full",
          `queue is full: thread ${threadId} already holds ${error.heldBytes} bytes of queued turns; this one needs ${error.rowBytes} more, the limit is ${maxQueueBytes}`,
        );
      }
      if (isQueueStoreError(error, "thread_not_found")) throw new QueueError("thread_not_found", `thread not found: ${threadId}`);
      if (isQueueStoreError(error, "unavailable")) throw error;
      this.init.logger.error(`adding a queued turn to thread ${threadId} failed`, error);
      throw new QueueError("add_failed", `failed to add queued turn: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** Visible rows in queue order, keyset-paginated; from memory for a loaded thread. */
  async list(threadId: string, request: QueuePageRequest): Promise<QueuePage> {
    let afterOrder: number | null = null;
    if (request.cursor !== undefined && request.cursor !== null) {
      afterOrder = decodeQueueCursor(request.cursor);
      if (afterOrder === null) throw new QueueError("invalid_cursor", `invalid cursor: ${request.cursor}`);
    }
    const limit = Math.min(Math.max(request.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
    const record = this.records.get(threadId);
    // Ends early (with a cursor) before a row that would pass --max-page-bytes; a first row larger than that comes alone.
    const { maxPageBytes } = this.init.limits;
    const page =
      record !== undefined ? await this.pageFromMemory(record, afterOrder, limit, maxPageBytes) : await this.pageFromStore(threadId, afterOrder, limit, maxPageBytes);
    const last = page.rows.at(-1);
    return {
      data: page.rows.map((row) => row.queuedTurn),
      nextCursor: page.hasMore && last !== undefined ? encodeQueueCursor(last.queueOrder) : null,
    };
  }

  /** SPEC §3 delete: false for unknown, other-thread or dispatching rows; when deleted, `changed` and a drain. */
  async delete(threadId: string, queuedTurnId: string, reply: ReplyOrder): Promise<boolean> {
    const record = this.records.get(threadId);
    if (record !== undefined) await record.ready();
    const hold = this.holdFor(record, reply);
    return this.init.store.deleteQueuedTurn(threadId, queuedTurnId, {
      onCommitted: (version) => this.committed(threadId, version, { type: "remove", queuedTurnId }, record, hold),
    });
  }

  /** SPEC §3 reorder: every visible row exactly once; dispatching rows keep their claim and place. */
  async reorder(threadId: string, queuedTurnIds: readonly string[], reply: ReplyOrder): Promise<QueuedTurn[]> {
    const record = this.records.get(threadId);
    if (record !== undefined) await record.ready();
    const hold = this.holdFor(record, reply);
    try {
      const rows = await this.init.store.reorderQueuedTurns(threadId, queuedTurnIds, {
        onCommitted: (version, reordered) => this.committed(threadId, version, { type: "replace", rows: reordered }, record, hold),
      });
      return rows.map((row) => VisibleRow.of(row).queuedTurn);
    } catch (error) {
      // The seed reports every reorder failure this way, with the store's reason appended.
      if (isQueueStoreError(error) && error.code !== "unavailable") {
        throw new QueueError("reorder_failed", `failed to reorder queued turns: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  // ── Events ─────────────────────────────────────────────────────────────────────────────

  turnStarted(threadId: string, turnId: string): void {
    this.records.get(threadId)?.turnStarted(turnId);
  }

  turnEnded(threadId: string): void {
    this.records.get(threadId)?.turnEnded();
  }

  /** The change feed: another instance changed a queue, or changes may have been missed. */
  onQueueChange(change: QueueChange): void {
    if (change.type === "changed") {
      this.records.get(change.threadId)?.heard(change.version);
      return;
    }
    if (change.type === "followersAsked") {
      const record = this.records.get(change.threadId);
      if (record !== undefined && !this.leases.holds(record.id)) this.track(record.announceFollowing());
      return;
    }
    if (change.type !== "resync") return;
    this.init.logger.debug(`re-reading loaded queues: ${change.reason}`);
    this.track(this.resync());
  }

  /**
   * Periodic: redoes what an outage interrupted, renews held leases, and asks again for threads
   * another instance holds once their lease is due (taken over once expired).
   */
  async maintainLeases(): Promise<void> {
    if (this.maintaining || this.stopped) return;
    this.maintaining = true;
    try {
      for (const record of this.records.values()) record.retry();
      if (this.resyncOwed) this.track(this.resync());
      const { regained, lost } = await this.leases.renew();
      for (const threadId of lost) {
        this.init.logger.warn(`thread ${threadId}: lease taken over by another instance; no longer dispatching it here`);
        this.records.get(threadId)?.leaseChanged();
      }
      for (const threadId of regained) this.records.get(threadId)?.leaseChanged();
      for (const record of [...this.records.values()]) {
        if (this.stopped || this.leases.holds(record.id) || !this.leases.due(record.id)) continue;
        if (await record.acquireLease()) record.leaseChanged();
      }
    } finally {
      this.maintaining = false;
    }
  }

  // ── Shutdown ───────────────────────────────────────────────────────────────────────────

  /** No new claims from now on; claims already made finish normally. */
  stop(): void {
    this.stopped = true;
    for (const record of this.records.values()) record.stop();
  }

  /** Whether background work (dispatch writes, reads) is under way. */
  get busy(): boolean {
    return this.work.size > 0;
  }

  /** Resolves once the background work started so far (dispatch writes, reads) has settled. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  /** Shutdown, after the last dispatch: other instances may take the threads at once. */
  async releaseLeases(): Promise<void> {
    const released = await this.leases.releaseAll();
    if (released > 0) this.init.logger.info(`released ${released} thread lease(s)`);
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────

  private recordOf(thread: LoadedThread): ThreadQueue {
    let record = this.records.get(thread.id);
    if (record === undefined) {
      record = new ThreadQueue(thread, this.deps);
      if (this.stopped) record.stop();
      this.records.set(thread.id, record);
    }
    return record;
  }

  /**
   * The thread checks of SPEC §3 add, before the input limit. For a thread not loaded here the
   * existence check is the append's own (thread_not_found), which saves a read per add — unless
   * the input is over the limit, whose error must not hide a missing thread.
   */
  private async requireQueueable(threadId: string, turnStartParams: TurnStartParams): Promise<void> {
    const loaded = this.init.registry.get(threadId);
    if (loaded?.ephemeral === true) throw new QueueError("ephemeral_thread", `ephemeral thread does not support queued turns: ${threadId}`);
    const { maxInputChars } = this.init.limits;
    if (loaded === undefined && inputTextCharCount(turnStartParams.input) > maxInputChars && (await this.init.store.getThread(threadId)) === null) {
      throw new QueueError("thread_not_found", `thread not found: ${threadId}`);
    }
    assertInputWithinLimit(turnStartParams.input, maxInputChars);
  }

  /** A client write to a loaded thread holds its snapshots until the response is out. */
  private holdFor(record: ThreadQueue | undefined, reply: ReplyOrder): SnapshotHold | undefined {
    if (record === undefined) return undefined;
    const hold = record.hold();
    // Registered before the write: released whatever happens to it.
    reply.afterResponse(() => hold.release());
    return hold;
  }

  /** A client write committed: the record loaded now (maybe since the write began) applies it. */
  private committed(threadId: string, version: number, change: ViewChange, writer: ThreadQueue | undefined, hold: SnapshotHold | undefined): void {
    const record = this.records.get(threadId);
    record?.committed(version, change, record === writer ? hold : undefined);
  }

  /** The store stays the truth across instances: a version probe, and a re-read if it moved. */
  private async pageFromMemory(record: ThreadQueue, afterOrder: number | null, limit: number, maxBytes: number) {
    await record.ready();
    const version = (await this.init.store.readQueueVersions([record.id])).get(record.id) ?? 0;
    if (version > record.version) {
      record.heard(version);
      await record.ready();
    }
    return record.page(afterOrder, limit, maxBytes);
  }

  private async pageFromStore(threadId: string, afterOrder: number | null, limit: number, maxBytes: number) {
    const page = await this.init.store.listVisibleQueuedTurnsPage(threadId, { afterOrder, limit, maxBytes });
    return { rows: page.rows.map((row) => VisibleRow.of(row)), hasMore: page.hasMore };
  }

  /**
   * Changes may have gone unreported (the feed was not live yet, or was down): re-reads the
   * versions of the loaded queues. A failed re-read stays owed and is retried on the next lease
   * tick — otherwise what was missed would go unseen until the thread's next change.
   */
  private async resync(): Promise<void> {
    this.resyncOwed = false;
    for (const record of this.records.values()) record.retry();
    const threadIds = [...this.records.keys()];
    if (threadIds.length === 0) return;
    let versions: Map<string, number>;
    try {
      versions = await this.init.store.readQueueVersions(threadIds);
    } catch (error) {
      this.resyncOwed = true;
      this.init.logger.warn("re-reading loaded queues failed; retried on the next lease tick", error);
      return;
    }
    for (const [threadId, version] of versions) this.records.get(threadId)?.heard(version);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.work.add(settled);
    void settled.then(() => this.work.delete(settled));
  }
}
