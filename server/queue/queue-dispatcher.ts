/**
 * The dispatcher: turns queued rows into turns, one at a time per thread (SPEC §3), on the one
 * instance that holds the thread's lease.
 *
 *   pending ──claim (lease held here, thread idle, head pending, nothing dispatching)──▶ dispatching
 *   dispatching ──turn/started seen for its turn id──▶ removed
 *   dispatching ──turn cannot start / stored params unreadable──▶ failed (visible, keeps its
 *                 place, blocks the queue until deleted or reordered away)
 *   dispatching ──its dispatcher died; the lease changes hands (resume after a restart, expiry,
 *                 eviction of a dead local process)──▶ failed ("…interrupted while app-server
 *                 restarted"), in the same transaction as the lease change
 *
 * Lease lifecycle of a loaded persisted thread on this instance:
 *
 *   (loaded) ──acquire: free / expired / evicted / ours──▶ held ──renew fails until expiry──▶ lapsed
 *      │                                                    ▲  │                               │
 *      └──acquire refused (a live instance holds it)──▶ following ◀──renew: taken over──┘  renew ok: held again
 *   following ──due (its holder's expiry)──▶ acquire again
 *
 * Every drain and every snapshot of a thread runs on that thread's serial lane, so two drains
 * never interleave and snapshots leave in version order (SnapshotPublisher). Claims name this
 * instance as lease owner, so the store refuses them once another instance took the thread.
 * Changes committed by other instances arrive through `onQueueChange`: subscribers here get the
 * new snapshot, and a thread leased here drains at once.
 *
 * A drain that failed on the store (an outage) is retried on the next lease tick or resync; a
 * resync that failed, on the next lease tick. A claim whose outcome is unknown (the connection
 * died while COMMIT was in flight) may have left a row dispatching that no turn belongs to:
 * before the next claim of that thread, such rows go back to pending (the lease holder knows it
 * started no turn for them).
 */
import type { TurnError, TurnStartParams } from "../../generated/types/v2/index.js";
import { validatorsById } from "../../generated/validators/index.js";
import { isQueueStoreError, type QueueChange, type QueueStore, type ThreadLeaseOutcome } from "../store/queue-store.js";
import { isThreadIdle, type LoadedThread } from "../threads/loaded-thread.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { KeyedSerialExecutor } from "../threads/serial-executor.js";
import type { TurnCoordinator } from "../turns/turn-coordinator.js";
import type { Logger } from "../logger.js";
import { SnapshotPublisher, type SnapshotSlot } from "./snapshot-publisher.js";
import { ThreadLeaseKeeper, type ThreadLeaseSettings } from "./thread-lease-keeper.js";
import { untilStored } from "./until-stored.js";

export const RESTART_INTERRUPTED_MESSAGE = "queued turn dispatch was interrupted while app-server restarted";

export class QueueDispatcher {
  /** Turn id → the pending write that records it on its row; the started hook waits for it. */
  private readonly recordingTurnIds = new Map<string, { queuedTurnId: string; recording: Promise<boolean> }>();
  /** Set at shutdown: rows stay pending rather than start turns that would be cut off. */
  private stopped = false;
  private maintaining = false;
  /** Thread id → newest queue version heard of from other instances (resyncs re-read only what moved). */
  private readonly heardVersions = new Map<string, number>();
  /** Threads whose last drain failed on the store: drained again on the next tick or resync. */
  private readonly drainsToRetry = new Set<string>();
  /** A resync whose re-read failed: done again on the next lease tick. */
  private resyncOwed = false;
  /** Threads whose last claim may have committed unseen (see above). */
  private readonly uncertainClaims = new Set<string>();
  /** Thread id → its row claimed here whose dispatch is not finished (removed or failed) yet. */
  private readonly inFlight = new Map<string, string>();
  private readonly leases: ThreadLeaseKeeper;
  private readonly snapshots: SnapshotPublisher;

  constructor(
    private readonly store: QueueStore,
    private readonly registry: ThreadRegistry,
    private readonly lanes: KeyedSerialExecutor,
    private readonly logger: Logger,
    leaseSettings: ThreadLeaseSettings,
    private turns?: TurnCoordinator,
  ) {
    this.leases = new ThreadLeaseKeeper(store, leaseSettings, failureJson(RESTART_INTERRUPTED_MESSAGE));
    this.snapshots = new SnapshotPublisher(store, registry, lanes, logger);
  }

  /** Breaks the construction cycle: the coordinator's hooks call back into this dispatcher. */
  attachTurns(turns: TurnCoordinator): void {
    this.turns = turns;
  }

  get ownerId(): string {
    return this.leases.settings.ownerId;
  }

  /** No new claims from now on (shutdown); claims already made finish normally. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Sends the thread's visible queue to its subscribers, after everything queued before, if it
   * is newer than what was sent; `force` for a resume, whose subscriber needs it regardless.
   */
  emitChanged(threadId: string, force = false): Promise<void> {
    return this.snapshots.publish(threadId, force);
  }

  /**
   * Reads the thread's queue right away, in call order with the store's other calls: asked for
   * in the same tick as a write, it shows that write and no claim asked for later. It is sent
   * (after the response) before any snapshot asked for later, so the client sees its change
   * even when a drain already under way claims the row meanwhile. Send or cancel it.
   */
  reserveSnapshot(threadId: string): SnapshotSlot {
    return this.snapshots.reserve(threadId);
  }

  /** A thread created here: its subscribers know its queue is empty; remote changes follow. */
  threadStarted(threadId: string): void {
    this.snapshots.started(threadId);
  }

  /** Starts the head of the queue if this instance holds the thread's lease and the thread is idle. */
  drain(threadId: string): Promise<void> {
    return this.lanes.run(threadId, () => this.drainNow(threadId)).catch((error: unknown) => {
      this.drainsToRetry.add(threadId);
      if (isQueueStoreError(error, "unavailable")) this.logger.warn(`drain of thread ${threadId} failed; retried later`, error);
      else this.logger.error(`drain of thread ${threadId} failed`, error);
    });
  }

  /**
   * Makes this instance the thread's dispatcher if it can (thread/start, thread/resume,
   * turn/start): true when it holds the lease afterwards. Taking a lease from an owner that is
   * gone fails that owner's abandoned claims (SPEC §3 restart recovery), in the store, at once.
   */
  async ensureLease(thread: LoadedThread): Promise<boolean> {
    if (thread.ephemeral || this.leases.holds(thread.id)) return true;
    const outcome = await this.lanes.run(thread.id, () => this.leases.acquire(thread.id));
    this.reportLease(thread.id, outcome);
    return outcome.acquired;
  }

  /**
   * The `turn/started` hook: a dispatched row is done once its own turn has started. Removing it
   * unblocks the queue (a claim needs no row of the thread dispatching), so a drain follows: the
   * turn may already have ended, and the drain its end triggered found the row still there.
   */
  turnStarted(threadId: string, turnId: string): void {
    const dispatch = this.recordingTurnIds.get(turnId);
    if (dispatch === undefined) return;
    void dispatch.recording
      .then((recorded) =>
        recorded
          ? untilStored(`clearing the dispatch claim of turn ${turnId}`, () => this.store.removeDispatchingQueuedTurn(threadId, turnId), this.logger)
          : false,
      )
      // Also when nothing was removed: a retried removal may have committed the first time.
      .then(() => {
        this.finished(threadId, dispatch.queuedTurnId);
        return this.drain(threadId);
      })
      .catch((error: unknown) => this.logger.error(`clearing the dispatch claim of turn ${turnId} failed`, error))
      .finally(() => this.recordingTurnIds.delete(turnId));
  }

  /** A change feed event from the store: another instance changed a queue, or changes may have been missed. */
  onQueueChange(change: QueueChange): void {
    if (change.type === "resync") {
      this.logger.debug(`re-reading loaded queues: ${change.reason}`);
      void this.resync();
      return;
    }
    if (this.registry.get(change.threadId) === undefined) return;
    this.heardOf(change.threadId, change.version);
  }

  /**
   * Periodic: renews held leases, drains threads whose lease came back after an outage, and asks
   * again for threads loaded here whose lease another instance holds (taken over once expired).
   */
  async maintainLeases(): Promise<void> {
    if (this.maintaining || this.stopped) return;
    this.maintaining = true;
    try {
      this.retryFailedDrains();
      if (this.resyncOwed) void this.resync();
      const { regained, lost } = await this.leases.renew();
      for (const threadId of lost) this.logger.warn(`thread ${threadId}: lease taken over by another instance; no longer dispatching it here`);
      for (const threadId of regained) void this.drain(threadId);
      for (const thread of this.registry.all()) {
        if (this.stopped || thread.ephemeral || this.leases.holds(thread.id) || !this.leases.due(thread.id)) continue;
        if (!(await this.ensureLease(thread))) continue;
        void this.snapshots.publish(thread.id).catch((error: unknown) => this.logger.warn(`sending the queue of thread ${thread.id} failed`, error));
        void this.drain(thread.id);
      }
    } finally {
      this.maintaining = false;
    }
  }

  /** Whether a dispatch or a retry of this thread is under way here (it must stay loaded). */
  hasWorkInFlight(threadId: string): boolean {
    return this.inFlight.has(threadId) || this.drainsToRetry.has(threadId) || this.uncertainClaims.has(threadId);
  }

  /** Threads unloaded here: their leases are released and what was remembered of them dropped. */
  async forgetThreads(threadIds: readonly string[]): Promise<void> {
    for (const threadId of threadIds) {
      this.heardVersions.delete(threadId);
      this.snapshots.forget(threadId);
    }
    await this.leases.forget(threadIds);
  }

  /** Shutdown, after the last drain: other instances may take the threads at once. */
  async releaseLeases(): Promise<void> {
    const released = await this.leases.releaseAll();
    if (released > 0) this.logger.info(`released ${released} thread lease(s)`);
  }

  private retryFailedDrains(): void {
    for (const threadId of this.drainsToRetry) {
      this.drainsToRetry.delete(threadId);
      void this.drain(threadId);
    }
  }

  /**
   * Re-reads the versions of the loaded queues: changes may have gone unreported (the feed was
   * not live yet, or was down). A failed re-read stays owed and is retried on the next lease
   * tick — otherwise what was missed would go unseen until the thread's next change.
   */
  private async resync(): Promise<void> {
    this.resyncOwed = false;
    this.retryFailedDrains();
    const loaded = [...this.registry.all()].filter((thread) => !thread.ephemeral).map((thread) => thread.id);
    if (loaded.length === 0) return;
    let versions: Map<string, number>;
    try {
      versions = await this.store.readQueueVersions(loaded);
    } catch (error) {
      this.resyncOwed = true;
      this.logger.warn("re-reading loaded queues failed; retried on the next lease tick", error);
      return;
    }
    for (const [threadId, version] of versions) {
      if (version !== this.heardVersions.get(threadId)) this.heardOf(threadId, version);
    }
  }

  private heardOf(threadId: string, version: number): void {
    this.heardVersions.set(threadId, Math.max(version, this.heardVersions.get(threadId) ?? 0));
    this.snapshots.heard(threadId, version);
    if (this.leases.holds(threadId)) void this.drain(threadId);
  }

  private reportLease(threadId: string, outcome: ThreadLeaseOutcome): void {
    if (!outcome.acquired) {
      this.logger.info(`thread ${threadId}: dispatched by instance ${outcome.ownerId}; following it here`);
      return;
    }
    if (outcome.previousOwnerId !== null) {
      this.logger.info(`thread ${threadId}: took the lease over from ${outcome.previousOwnerId} (${outcome.how})`);
    }
    if (outcome.recovered > 0) this.logger.info(`thread ${threadId}: ${outcome.recovered} interrupted queued turn(s) marked failed`);
  }

  private async drainNow(threadId: string): Promise<void> {
    const thread = this.registry.get(threadId);
    const turns = this.turns;
    if (this.stopped || thread === undefined || thread.ephemeral || turns === undefined || !isThreadIdle(thread)) return;
    if (!this.leases.holds(threadId)) return;
    // Only with no dispatch of ours under way: its row may not have its turn id recorded yet.
    if (this.uncertainClaims.has(threadId) && !this.inFlight.has(threadId)) {
      const requeued = await this.store.requeueUnstartedQueuedTurns(threadId);
      this.uncertainClaims.delete(threadId);
      if (requeued > 0) this.logger.info(`thread ${threadId}: a claim lost in a database outage went back to the queue`);
    }
    let row;
    try {
      row = await this.store.claimHeadQueuedTurn(threadId, this.ownerId);
    } catch (error) {
      if (isQueueStoreError(error, "unavailable")) this.uncertainClaims.add(threadId);
      throw error;
    }
    if (row === null) return;
    this.inFlight.set(threadId, row.queuedTurnId);
    await this.sendBestEffort(threadId);

    const params = readStoredParams(row.turnStartParamsJson);
    if (!params.ok) {
      await this.fail(threadId, row.queuedTurnId, `queued turn payload could not be read: ${params.reason}`);
      return;
    }
    let turnId: string;
    try {
      turnId = (await turns.startTurn(thread, params.value)).id;
    } catch (error) {
      await this.fail(threadId, row.queuedTurnId, `queued turn could not start: ${errorMessage(error)}`);
      return;
    }
    const recording = untilStored(
      `recording turn ${turnId} on queued turn ${row.queuedTurnId}`,
      () => this.store.setDispatchTurnId(row.queuedTurnId, turnId),
      this.logger,
    );
    this.recordingTurnIds.set(turnId, { queuedTurnId: row.queuedTurnId, recording });
    // Not awaited: the lane is free for the drain that the turn's end asks for, which then runs
    // before a client that saw the turn end can add to the queue (the store refuses a second
    // claim while this row is dispatching; its removal drains again).
    void recording.then(
      (recorded) => {
        if (recorded) return;
        this.finished(threadId, row.queuedTurnId);
        this.logger.warn(`queued turn ${row.queuedTurnId} lost its dispatch claim before turn ${turnId} was recorded`);
      },
      (error: unknown) => this.logger.error(`recording turn ${turnId} on queued turn ${row.queuedTurnId} failed`, error),
    );
  }

  /** Only the dispatch that ends: a drain may already have claimed the next row by now. */
  private finished(threadId: string, queuedTurnId: string): void {
    if (this.inFlight.get(threadId) === queuedTurnId) this.inFlight.delete(threadId);
  }

  /** Once a row is claimed, its dispatch goes on whatever happens to the snapshot. */
  private async sendBestEffort(threadId: string): Promise<void> {
    await this.snapshots.sendNow(threadId).catch((error: unknown) => this.logger.warn(`sending the queue of thread ${threadId} failed`, error));
  }

  private async fail(threadId: string, queuedTurnId: string, message: string): Promise<void> {
    const marked = await untilStored(
      `failing queued turn ${queuedTurnId}`,
      () => this.store.markQueuedTurnFailed(queuedTurnId, failureJson(message)),
      this.logger,
    );
    this.finished(threadId, queuedTurnId);
    // Sent either way: a retried write may have committed the first time (versions dedupe).
    if (!marked) this.logger.warn(`queued turn ${queuedTurnId} could not be marked failed: its claim disappeared`);
    await this.sendBestEffort(threadId);
  }
}

function failureJson(message: string): string {
  const error: TurnError = { message, codexErrorInfo: null, additionalDetails: null };
  return JSON.stringify(error);
}

type StoredParams = { ok: true; value: TurnStartParams } | { ok: false; reason: string };

function readStoredParams(json: string): StoredParams {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  const validate = validatorsById["v2/TurnStartParams"];
  const result = validate === undefined ? { ok: false as const, errors: [] } : validate(value);
  if (!result.ok) {
    const first = result.errors[0];
    return { ok: false, reason: first === undefined ? "not TurnStartParams" : `${first.instancePath || "/"} ${first.message}` };
  }
  return { ok: true, value: value as TurnStartParams };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
