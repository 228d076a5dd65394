/**
 * One loaded (persisted) thread's queue on this instance: its in-memory view, the order its
 * snapshots leave in, and the dispatcher's state machine — all of it in this one record.
 *
 *   state        meaning                                                         leaves on
 *   reading      the view is being read (first load, a version gap, another     the read → decide()
 *                instance's change), or the resume that loads the thread has
 *                not been answered yet; nothing is claimed meanwhile
 *   following    another live instance holds the lease: snapshots, no turns     lease acquired → decide()
 *   idle         lease held; nothing to start (empty queue, or the store        any change → decide()
 *                refused the last claim and nothing changed since)
 *   waiting      lease held; a pending head waits for the thread's running or   turn ended → decide()
 *                accepted turn (a direct turn/start, or the previous queued one)
 *   blocked      lease held; a failed head blocks the queue (FIFO) until it is  delete/reorder → decide()
 *                deleted or reordered away
 *   claiming     a claim of the head is in flight                               row → dispatching; none → idle;
 *                                                                               store failure → retrying
 *   dispatching  claimed here: its `changed` leaves, then the turn is started   turn accepted, or the row
 *                (or the row fails: `queued turn could not start: …`)           failed → decide()
 *   retrying     a store call failed (an outage); the next lease tick retries   retry() → decide()
 *   stopped      shutdown or unload: no more claims                             —
 *
 * `decide()` is the one place a resting state is chosen; `enter()` the one place the state
 * changes, checking the transition. Row lifecycle (server/store/queue-store.ts): a claim moves
 * the head to `dispatching` and records the turn id it will start; the row is removed when that
 * turn's `turn/started` is seen, or fails at its place when the turn cannot start.
 *
 * The view is kept exact by this instance's own commits (each comes with its version) and
 * re-read when the version jumps, when another instance changed the queue (the change feed),
 * after a lease takeover's recovery, and whenever the store might know better. A claim removes
 * the head from the view without reading anything.
 */
import type { QueuedTurnRecord, QueueStore } from "../store/queue-store.js";
import { isQueueStoreError } from "../store/queue-store.js";
import { isThreadIdle, type LoadedThread } from "../threads/loaded-thread.js";
import { PreparedNotification } from "../threads/prepared-notification.js";
import type { TurnStarter } from "../turns/turn-coordinator.js";
import type { Logger } from "../logger.js";
import { QueueView, type ViewChange, type ViewPage, type ViewSnapshot } from "./queue-view.js";
import { SnapshotLine, type SnapshotHold } from "./snapshot-line.js";
import { errorMessage, failureJson, readStoredParams } from "./stored-params.js";
import type { ThreadLeaseKeeper } from "./thread-lease-keeper.js";
import { untilStored } from "./until-stored.js";
import { queueChangedJson } from "./visible-row.js";

export type ThreadQueueState =
  | "reading"
  | "following"
  | "idle"
  | "waiting"
  | "blocked"
  | "claiming"
  | "dispatching"
  | "retrying"
  | "stopped";

type RestingState = Exclude<ThreadQueueState, "claiming" | "dispatching" | "stopped">;

/** Which state may follow which; everything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<ThreadQueueState, readonly ThreadQueueState[]>> = {
  reading: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  following: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  idle: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  waiting: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  blocked: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  retrying: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  claiming: ["dispatching", "idle", "retrying", "stopped"],
  dispatching: ["reading", "following", "idle", "waiting", "blocked", "claiming", "retrying", "stopped"],
  stopped: ["stopped"],
};

/** What a record needs from the rest of the server, given at construction. */
export interface ThreadQueueDeps {
  readonly store: QueueStore;
  readonly leases: ThreadLeaseKeeper;
  readonly turns: TurnStarter;
  /** Hands a notification to the thread's subscribers. */
  readonly deliver: (threadId: string, notification: PreparedNotification) => void;
  readonly logger: Logger;
  readonly newTurnId: () => string;
  /** Background work shutdown waits for. */
  readonly track: (work: Promise<unknown>) => void;
}

export class ThreadQueue {
  private current: ThreadQueueState = "reading";
  private readonly view = new QueueView();
  private readonly line: SnapshotLine;
  /** The read of the queue in flight, if any; `readAgain` asks for one more after it. */
  private reading: Promise<void> | undefined;
  private readAgain = false;
  /** The view may be behind the store (set until a read completes). */
  private stale = true;
  /** The store found nothing to claim although the view had a pending head; cleared by any change. */
  private claimRefused = false;
  /** A store call failed: `retry()` (the next lease tick) tries again. */
  private retryPending = false;
  /** Turn id → queued turn id, for turns started for claimed rows until their `turn/started`. */
  private readonly starting = new Map<string, string>();
  /** Turn ids recorded by claims whose outcome is unknown (the store failed during COMMIT). */
  private readonly uncertainTurnIds: string[] = [];
  private acquiring: Promise<boolean> | undefined;
  private lastHolderId: string | null = null;
  /** Shutdown or unload asked for: `stopped` as soon as no claim or dispatch is under way. */
  private stopRequested = false;
  /** Nothing is dispatched before the thread's start or resume has been answered (`open`). */
  private opened = false;

  constructor(
    readonly thread: LoadedThread,
    private readonly deps: ThreadQueueDeps,
  ) {
    this.line = new SnapshotLine(
      (snapshot) => new PreparedNotification("thread/queue/changed", () => queueChangedJson(thread.id, snapshot.rows), thread.id),
      (notification) => deps.deliver(thread.id, notification),
    );
  }

  get id(): string {
    return this.thread.id;
  }

  get state(): ThreadQueueState {
    return this.current;
  }

  /** A thread created here: its queue is empty at version 0, and its subscribers know it. */
  startedEmpty(): void {
    this.view.reset({ version: 0, rows: [] });
    this.line.assumeSent(0);
    this.stale = false;
  }

  /** Resolves once the view is current (reads it if needed); rejects if the read failed. */
  ready(): Promise<void> {
    if (!this.stale) return Promise.resolve();
    return this.reading ?? this.refresh();
  }

  // ── Changes ────────────────────────────────────────────────────────────────────────────

  /**
   * A write of this instance committed `change` at `version` (QueueWriteOptions.onCommitted,
   * in commit order). A client write passes its hold: the snapshot waits for its response.
   */
  committed(version: number, change: ViewChange, hold?: SnapshotHold): void {
    hold?.at(version);
    const outcome = this.view.apply(version, change);
    if (outcome === "gap") {
      void this.refresh().catch(() => undefined);
      return;
    }
    if (outcome === "seen") return;
    this.claimRefused = false;
    this.line.offer(this.view.snapshot());
    this.settle();
  }

  /** Another instance committed `version` of this thread's queue (the change feed). */
  heard(version: number): void {
    if (this.view.read && version <= this.view.version) return;
    void this.refresh().catch(() => undefined);
  }

  /** Reads the queue again (coalesced: one read at a time, one more if asked meanwhile). */
  refresh(): Promise<void> {
    this.stale = true;
    if (this.reading !== undefined) {
      this.readAgain = true;
      return this.reading;
    }
    if (this.current !== "claiming" && this.current !== "dispatching" && this.current !== "stopped") this.enter("reading");
    const reading = this.readUntilCurrent().finally(() => {
      this.reading = undefined;
      this.settle();
    });
    this.reading = reading;
    this.deps.track(reading.catch(() => undefined));
    return reading;
  }

  /** A client write holds this thread's snapshots from its version until its response is out. */
  hold(): SnapshotHold {
    return this.line.hold();
  }

  /** Sends the current queue to every subscriber even if unchanged (a resume's new subscriber needs it). */
  resendCurrent(): void {
    if (this.view.read) this.line.resend(this.view.snapshot());
  }

  /** The thread's start or resume has been answered: dispatching may begin (SPEC §3: drain after resume). */
  open(): void {
    this.opened = true;
    this.settle();
  }

  /** A page of the view (optionally with a byte budget, see QueueView.page); the caller made sure it is current. */
  page(afterOrder: number | null, limit: number, maxBytes?: number): ViewPage {
    return this.view.page(afterOrder, limit, maxBytes);
  }

  get version(): number {
    return this.view.version;
  }

  // ── Lease ──────────────────────────────────────────────────────────────────────────────

  /**
   * Makes this instance the thread's dispatcher if it can: true when it holds the lease after.
   * Taking it from an owner that is gone fails that owner's abandoned claims in the store (SPEC
   * §3 restart recovery); the view hears of it through the commit's version and reads again.
   */
  acquireLease(): Promise<boolean> {
    if (this.deps.leases.holds(this.id)) return Promise.resolve(true);
    this.acquiring ??= this.deps.leases
      .acquire(this.id, { onCommitted: (version) => this.committed(version, { type: "unknown" }) })
      .then(async (outcome) => {
        const { logger } = this.deps;
        this.lastHolderId = outcome.acquired ? null : outcome.ownerId;
        // Turn events are published only where someone follows (docs/scaling-out.md): say so, or
        // — a lease that changed hands — ask who does. Both best effort: events are at most once.
        if (!outcome.acquired) await this.announceFollowing();
        else if (outcome.how !== "held") await this.deps.store.followers?.askFollowers([this.id]).catch(() => undefined);
        if (!outcome.acquired) logger.info(`thread ${this.id}: dispatched by instance ${outcome.ownerId}; following it here`);
        else if (outcome.previousOwnerId !== null) logger.info(`thread ${this.id}: took the lease over from ${outcome.previousOwnerId} (${outcome.how})`);
        if (outcome.acquired && outcome.recovered > 0) logger.info(`thread ${this.id}: ${outcome.recovered} interrupted queued turn(s) marked failed`);
        return outcome.acquired;
      })
      .finally(() => (this.acquiring = undefined));
    return this.acquiring;
  }

  /**
   * Tells the other instances this one follows the thread (its subscribers want the turn events
   * of the holder), for three lease TTLs; repeated with every refused acquisition, at least once
   * per TTL while the thread stays loaded here.
   */
  announceFollowing(): Promise<void> {
    return this.deps.store.followers?.announceFollowing([this.id], 3 * this.deps.leases.settings.ttlMs).catch(() => undefined) ?? Promise.resolve();
  }

  /** The instance holding the thread's lease, as the last refused acquisition named it; null when it was this one. */
  get holderId(): string | null {
    return this.lastHolderId;
  }

  // ── Dispatch ───────────────────────────────────────────────────────────────────────────

  /** Chooses the resting state from what is known, and claims when the head can run now. */
  settle(): void {
    if (this.current === "claiming" || this.current === "dispatching" || this.current === "stopped") return;
    if (this.stopRequested) {
      this.enter("stopped");
      return;
    }
    const next = this.decide();
    if (next === "reading" && this.stale && this.reading === undefined) {
      // Stale and nobody reading (a record whose first read never happened or failed).
      void this.refresh().catch(() => undefined);
      return;
    }
    if (next !== "claim") {
      this.enter(next);
      return;
    }
    this.enter("claiming");
    const claiming = this.claim();
    this.deps.track(claiming);
  }

  /** Turn lifecycle: one of this thread's turns sent `turn/started`. */
  turnStarted(turnId: string): void {
    const queuedTurnId = this.starting.get(turnId);
    if (queuedTurnId === undefined) return;
    this.starting.delete(turnId);
    // The row is done. Its removal is issued now, so any later claim runs after it in the store.
    const removal = untilStored(
      `clearing the dispatch claim of turn ${turnId}`,
      () => this.deps.store.removeDispatchingQueuedTurn(this.id, turnId),
      this.deps.logger,
    )
      .catch((error: unknown) => this.deps.logger.error(`clearing the dispatch claim of turn ${turnId} failed`, error))
      .finally(() => {
        this.claimRefused = false;
        this.settle();
      });
    this.deps.track(removal);
  }

  /** Turn lifecycle: a turn ended; the thread may be idle now. */
  turnEnded(): void {
    this.claimRefused = false;
    this.settle();
  }

  /** The lease came back or moved: decide again. */
  leaseChanged(): void {
    this.claimRefused = false;
    this.settle();
  }

  /** The next lease tick: redo what an outage interrupted. */
  retry(): void {
    if (!this.retryPending || this.current === "claiming" || this.current === "dispatching" || this.current === "stopped") return;
    this.retryPending = false;
    if (this.uncertainTurnIds.length > 0) {
      this.deps.track(this.requeueUncertainClaims());
      return;
    }
    if (this.stale) {
      void this.refresh().catch(() => undefined);
      return;
    }
    this.settle();
  }

  get needsRetry(): boolean {
    return this.retryPending;
  }

  /** No more claims; a claim or dispatch under way finishes first. */
  stop(): void {
    this.stopRequested = true;
    this.settle();
  }

  /** Whether nothing of this thread is in flight here (a claim, a dispatch, a turn of ours starting). */
  get quiet(): boolean {
    return this.current !== "claiming" && this.current !== "dispatching" && this.starting.size === 0 && this.reading === undefined;
  }

  private decide(): RestingState | "claim" {
    if (this.retryPending) return "retrying";
    if (!this.deps.leases.holds(this.id)) return "following";
    if (this.stale || !this.opened) return "reading";
    const head = this.view.head();
    if (head === undefined || this.claimRefused) return "idle";
    if (head.state === "failed") return "blocked";
    if (!isThreadIdle(this.thread)) return "waiting";
    return "claim";
  }

  private enter(next: ThreadQueueState): void {
    if (!TRANSITIONS[this.current].includes(next)) {
      throw new Error(`thread ${this.id}: queue state ${this.current} cannot become ${next}`);
    }
    this.current = next;
  }

  private async readUntilCurrent(): Promise<void> {
    try {
      do {
        this.readAgain = false;
        // The first read is a resume's, which sends the queue after its response (resendCurrent).
        const first = !this.view.read;
        const snapshot = await this.deps.store.readQueueSnapshot(this.id);
        if (this.view.reset(snapshot)) {
          // A newer version than the view had: it may unblock a refused claim.
          this.claimRefused = false;
          if (!first) this.line.offer(this.view.snapshot());
        }
      } while (this.readAgain);
      this.stale = false;
    } catch (error) {
      this.retryPending = true;
      this.logReadFailure(error);
      throw error;
    }
  }

  private async claim(): Promise<void> {
    const turnId = this.deps.newTurnId();
    let row: QueuedTurnRecord | null;
    let claimedAt = -1;
    try {
      row = await this.deps.store.claimHeadQueuedTurn(this.id, this.deps.leases.settings.ownerId, {
        dispatchTurnId: turnId,
        onCommitted: (version, claimed) => {
          claimedAt = version;
          if (claimed !== null) this.committed(version, { type: "remove", queuedTurnId: claimed.queuedTurnId });
        },
      });
    } catch (error) {
      // The claim may have committed unseen; before the next claim such a row goes back.
      if (isQueueStoreError(error, "unavailable")) this.uncertainTurnIds.push(turnId);
      this.retryPending = true;
      this.enter("retrying");
      if (isQueueStoreError(error, "unavailable")) this.deps.logger.warn(`drain of thread ${this.id} failed; retried later`, error);
      else this.deps.logger.error(`drain of thread ${this.id} failed`, error);
      this.settle();
      return;
    }
    if (row === null) {
      // The view promised a claimable head: it, or the lease as we see it, is behind the store.
      this.claimRefused = true;
      this.enter("idle");
      this.settle();
      return;
    }
    this.enter("dispatching");
    try {
      await this.dispatch(row, turnId, claimedAt);
    } finally {
      this.enter("idle");
      this.settle();
    }
  }

  private async dispatch(row: QueuedTurnRecord, turnId: string, claimedAt: number): Promise<void> {
    // SPEC §3: `changed` without the claimed row, then the turn.
    await this.line.whenSent(claimedAt);
    const params = readStoredParams(row.turnStartParamsJson);
    if (!params.ok) {
      await this.fail(row, `queued turn payload could not be read: ${params.reason}`);
      return;
    }
    this.starting.set(turnId, row.queuedTurnId);
    try {
      await this.deps.turns.startTurn(this.thread, params.value, turnId);
    } catch (error) {
      this.starting.delete(turnId);
      await this.fail(row, `queued turn could not start: ${errorMessage(error)}`);
    }
  }

  private async fail(row: QueuedTurnRecord, message: string): Promise<void> {
    const failure = failureJson(message);
    const failed: QueuedTurnRecord = { ...row, state: "failed", failureJson: failure };
    const marked = await untilStored(
      `failing queued turn ${row.queuedTurnId}`,
      () =>
        this.deps.store.markQueuedTurnFailed(row.queuedTurnId, failure, {
          onCommitted: (version) => this.committed(version, { type: "fail", row: failed }),
        }),
      this.deps.logger,
    ).catch((error: unknown) => {
      this.deps.logger.error(`failing queued turn ${row.queuedTurnId} failed`, error);
      return false;
    });
    // A retried write may have committed the first time: the view reads the store again.
    if (!marked) {
      this.deps.logger.warn(`queued turn ${row.queuedTurnId} could not be marked failed: its claim disappeared`);
      void this.refresh().catch(() => undefined);
    }
  }

  private async requeueUncertainClaims(): Promise<void> {
    const turnIds = this.uncertainTurnIds.splice(0);
    try {
      const requeued = await this.deps.store.requeueUnstartedQueuedTurns(this.id, {
        turnIds,
        onCommitted: (version) => this.committed(version, { type: "unknown" }),
      });
      if (requeued > 0) this.deps.logger.info(`thread ${this.id}: a claim lost in a database outage went back to the queue`);
    } catch (error) {
      this.uncertainTurnIds.push(...turnIds);
      this.retryPending = true;
      this.deps.logger.warn(`thread ${this.id}: putting back a claim lost in an outage failed; retried later`, error);
    }
    this.settle();
  }

  private logReadFailure(error: unknown): void {
    if (isQueueStoreError(error, "unavailable") || isQueueStoreError(error, "closed")) {
      this.deps.logger.warn(`reading the queue of thread ${this.id} failed; retried later`, error);
    } else {
      this.deps.logger.error(`reading the queue of thread ${this.id} failed`, error);
    }
  }
}

export type { ViewSnapshot };
