/**
 * An in-memory `QueueStore`: the whole contract (server/store/queue-store.ts) without a
 * database, nothing durable. For unit tests of what sits on top of a store (server/queue): it
 * runs the same contract suites as SQLite and PostgreSQL, so it behaves as they do, and it can
 * be made to fail on purpose (`fault`) — an outage before or after a commit — which a real
 * database does only with effort. Several stores on one `MemoryDatabase` play several instances.
 *
 * Operations queued in one tick form a batch (../batch-queue.ts), run one after another and
 * settle after the batch, as group commit does; each operation checks everything before it
 * changes anything, so a failing one changes nothing.
 */
import { v7 as uuidv7 } from "uuid";
import { BatchQueue, type OpOutcome } from "../batch-queue.js";
import { reportCommitted, VersionCapture } from "../committed-version.js";
import {
  ClientIdConflictError,
  DEFAULT_DEDUPE_RETENTION_MS,
  QueueStoreError,
  type AppendedQueuedTurn,
  type ForwardedTurnStart,
  type ForwardedTurnStartState,
  type TurnEvent,
  QueueTooLargeError,
  REORDER_MISMATCH_MESSAGE,
  type AppendQueuedTurnOptions,
  type ClaimHeadOptions,
  type CreateThreadInput,
  type QueueChange,
  type QueueChangeListener,
  type QueuedTurnRecord,
  type QueuedTurnsPage,
  type QueuedTurnsPageRequest,
  type QueueSnapshot,
  type QueueStore,
  type QueueWriteOptions,
  type RequeueUnstartedOptions,
  type ThreadLeaseOutcome,
  type ThreadLeaseRequest,
  type ThreadRecord,
} from "../queue-store.js";
import { sameTurnStartParams } from "../same-params.js";
import { checkPageBudget, positiveLimitOrNull, rowsThatFit } from "../store-limits.js";
import { LISTENING, tellListener } from "../tell-listener.js";
import { checkLeaseTtl, decideLease, type StoredLease } from "../thread-lease-decision.js";

interface StoredThread {
  record: ThreadRecord;
  version: number;
  lease: StoredLease | null;
}

/** The shared state of the stores opened on it (one database, several instances). */
export class MemoryDatabase {
  readonly threads = new Map<string, StoredThread>();
  /** Thread id → its rows (any state), in queue order. */
  readonly rows = new Map<string, QueuedTurnRecord[]>();
  readonly stores = new Set<MemoryQueueStore>();
  /** `threadId\0clientUserMessageId` → the record of a dispatched row and when it was dispatched. */
  readonly dispatchedClientIds = new Map<string, { record: QueuedTurnRecord; atMs: number }>();
  readonly forwardedTurnStarts = new Map<string, { request: ForwardedTurnStart; state: "pending" | "taken" | "answered"; answerJson: string | null }>();
}

const clientIdKey = (threadId: string, clientUserMessageId: string): string => `${threadId}\0${clientUserMessageId}`;

/** A failure to inject: before the operation ran, or after it committed (the caller cannot tell). */
export interface StoreFault {
  readonly error: unknown;
  readonly afterCommit?: boolean;
}

export interface MemoryQueueStoreOptions {
  /** Shared with peer stores (other instances); a fresh one by default. */
  readonly database?: MemoryDatabase;
  readonly now?: () => number;
  /** Asked before each operation (by method name); a fault fails it. */
  readonly fault?: (method: keyof QueueStore) => StoreFault | undefined;
  /** How long the ids of dispatched rows are remembered for idempotent adds. Default 24 h. */
  readonly dedupeRetentionMs?: number;
}

interface QueuedOp {
  readonly method: keyof QueueStore;
  readonly work: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const VISIBLE = (row: QueuedTurnRecord): boolean => row.state !== "dispatching";

export class MemoryQueueStore implements QueueStore {
  readonly database: MemoryDatabase;
  private readonly now: () => number;
  private readonly queue: BatchQueue<QueuedOp>;
  private readonly capture = new VersionCapture();
  private readonly listeners = new Set<QueueChangeListener>();
  /** Versions committed by the running batch, for the peers' change feeds. */
  private committedChanges: Array<{ threadId: string; version: number }> = [];

  constructor(private readonly options: MemoryQueueStoreOptions = {}) {
    this.database = options.database ?? new MemoryDatabase();
    this.now = options.now ?? Date.now;
    this.queue = new BatchQueue((batch) => this.runBatch(batch), 1024);
    this.database.stores.add(this);
  }

  // ── Threads ────────────────────────────────────────────────────────────────────────────

  createThread(input: CreateThreadInput): Promise<ThreadRecord> {
    return this.op("createThread", () => {
      if (this.database.threads.has(input.id)) throw new QueueStoreError("thread_exists", `thread already exists: ${input.id}`);
      const createdAtMs = input.createdAtMs ?? this.now();
      const record: ThreadRecord = {
        id: input.id,
        cwd: input.cwd ?? null,
        model: input.model ?? null,
        modelProvider: input.modelProvider ?? null,
        cliVersion: input.cliVersion ?? null,
        createdAtMs,
        updatedAtMs: createdAtMs,
      };
      this.database.threads.set(input.id, { record, version: 0, lease: null });
      this.database.rows.set(input.id, []);
      return { ...record };
    });
  }

  getThread(threadId: string): Promise<ThreadRecord | null> {
    return this.op("getThread", () => {
      const thread = this.database.threads.get(threadId);
      return thread === undefined ? null : { ...thread.record };
    });
  }

  // ── Queue ──────────────────────────────────────────────────────────────────────────────

  appendQueuedTurn(threadId: string, turnStartParamsJson: string, options: AppendQueuedTurnOptions = {}): Promise<AppendedQueuedTurn> {
    return this.versioned("appendQueuedTurn", options, (): AppendedQueuedTurn => {
      const maxRows = positiveLimitOrNull("maxQueueLength", options.maxQueueLength);
      const maxBytes = positiveLimitOrNull("maxQueueBytes", options.maxQueueBytes);
      const rows = this.rowsOf(threadId);
      if (rows === undefined) throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
      const json = compactJson(turnStartParamsJson, "turn start params are not valid JSON");
      const clientId = options.clientUserMessageId ?? null;
      if (clientId !== null) {
        const stored = rows.find((row) => row.clientUserMessageId === clientId);
        const dispatched = this.database.dispatchedClientIds.get(clientIdKey(threadId, clientId));
        const found =
          stored !== undefined
            ? { record: stored, replayed: "stored" as const }
            : dispatched !== undefined && dispatched.atMs >= this.now() - this.dedupeRetentionMs
              ? { record: dispatched.record, replayed: "dispatched" as const }
              : undefined;
        if (found !== undefined) {
          if (!sameTurnStartParams(found.record.turnStartParamsJson, json)) throw new ClientIdConflictError(threadId, clientId, found.record.queuedTurnId);
          return { ...found.record, replayed: found.replayed };
        }
      }
      if (maxRows !== null && rows.length >= maxRows) {
        throw new QueueStoreError("queue_full", `thread queue is full (${maxRows} queued turns): ${threadId}`);
      }
      if (maxBytes !== null) {
        // Every row counts until it leaves the queue (dispatching and failed ones too), as in the databases.
        const held = rows.reduce((sum, row) => sum + storedBytes(row.turnStartParamsJson), 0);
        const needed = storedBytes(json);
        if (held + needed > maxBytes) throw new QueueTooLargeError(held, needed, maxBytes, threadId);
      }
      const now = this.now();
      const row: QueuedTurnRecord = {
        queuedTurnId: uuidv7(),
        threadId,
        turnStartParamsJson: json,
        queueOrder: (rows.at(-1)?.queueOrder ?? -1) + 1,
        state: "pending",
        dispatchTurnId: null,
        failureJson: null,
        createdAtMs: now,
        updatedAtMs: now,
        clientUserMessageId: clientId,
      };
      rows.push(row);
      this.bump(threadId);
      return { ...row };
    });
  }

  listVisibleQueuedTurns(threadId: string): Promise<QueuedTurnRecord[]> {
    return this.op("listVisibleQueuedTurns", () => this.visible(threadId));
  }

  listVisibleQueuedTurnsPage(threadId: string, page: QueuedTurnsPageRequest): Promise<QueuedTurnsPage> {
    return this.op("listVisibleQueuedTurnsPage", () => {
      if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
        throw new QueueStoreError("invalid_argument", `page limit must be a positive integer, got ${page.limit}`);
      }
      checkPageBudget(page.maxBytes);
      const after = page.afterOrder ?? Number.MIN_SAFE_INTEGER;
      const rows = this.visible(threadId).filter((row) => row.queueOrder > after);
      const sized = rows.slice(0, page.limit + 1).map((row) => ({ queueOrder: row.queueOrder, bytes: storedBytes(row.turnStartParamsJson) }));
      const taken = rowsThatFit(sized, page.limit, page.maxBytes);
      return { rows: rows.slice(0, taken), hasMore: rows.length > taken };
    });
  }

  readQueueSnapshot(threadId: string): Promise<QueueSnapshot> {
    return this.op("readQueueSnapshot", () => {
      const thread = this.database.threads.get(threadId);
      return thread === undefined ? { version: 0, rows: [] } : { version: thread.version, rows: this.visible(threadId) };
    });
  }

  readQueueVersions(threadIds: readonly string[]): Promise<Map<string, number>> {
    return this.op("readQueueVersions", () => {
      const versions = new Map<string, number>();
      for (const threadId of threadIds) {
        const thread = this.database.threads.get(threadId);
        if (thread !== undefined) versions.set(threadId, thread.version);
      }
      return versions;
    });
  }

  deleteQueuedTurn(threadId: string, queuedTurnId: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned("deleteQueuedTurn", options, () => {
      const rows = this.rowsOf(threadId);
      const index = rows?.findIndex((row) => row.queuedTurnId === queuedTurnId && VISIBLE(row)) ?? -1;
      if (rows === undefined || index === -1) return false;
      rows.splice(index, 1);
      this.bump(threadId);
      return true;
    });
  }

  reorderQueuedTurns(threadId: string, queuedTurnIds: readonly string[], options?: QueueWriteOptions<QueuedTurnRecord[]>): Promise<QueuedTurnRecord[]> {
    return this.versioned("reorderQueuedTurns", options, () => {
      const rows = this.rowsOf(threadId) ?? [];
      const visible = rows.filter(VISIBLE);
      const byId = new Map(visible.map((row) => [row.queuedTurnId, row]));
      if (queuedTurnIds.length !== visible.length || new Set(queuedTurnIds).size !== visible.length || !queuedTurnIds.every((id) => byId.has(id))) {
        throw new QueueStoreError("reorder_mismatch", REORDER_MISMATCH_MESSAGE);
      }
      // The visible rows keep the positions they hold, handed out in the requested order.
      const positions = visible.map((row) => row.queueOrder);
      const now = this.now();
      queuedTurnIds.forEach((id, index) => {
        const row = byId.get(id) as QueuedTurnRecord;
        row.queueOrder = positions[index] as number;
        row.updatedAtMs = now;
      });
      rows.sort((a, b) => a.queueOrder - b.queueOrder);
      this.bump(threadId);
      return this.visible(threadId);
    });
  }

  claimHeadQueuedTurn(threadId: string, leaseOwnerId?: string, options?: ClaimHeadOptions): Promise<QueuedTurnRecord | null> {
    return this.versioned("claimHeadQueuedTurn", options, () => {
      const rows = this.rowsOf(threadId) ?? [];
      const head = rows.find(VISIBLE);
      if (head === undefined || head.state !== "pending" || rows.some((row) => row.state === "dispatching")) return null;
      if (leaseOwnerId !== undefined) {
        const lease = this.database.threads.get(threadId)?.lease;
        if (lease == null || lease.ownerId !== leaseOwnerId || lease.expiresAtMs <= this.now()) return null;
      }
      head.state = "dispatching";
      head.dispatchTurnId = options?.dispatchTurnId ?? null;
      head.updatedAtMs = this.now();
      this.bump(threadId);
      return { ...head };
    });
  }

  setDispatchTurnId(queuedTurnId: string, turnId: string): Promise<boolean> {
    return this.op("setDispatchTurnId", () => {
      const row = this.findRow(queuedTurnId);
      if (row?.state !== "dispatching") return false;
      row.dispatchTurnId = turnId;
      row.updatedAtMs = this.now();
      return true;
    });
  }

  removeDispatchingQueuedTurn(threadId: string, turnId: string): Promise<boolean> {
    return this.op("removeDispatchingQueuedTurn", () => {
      const rows = this.rowsOf(threadId);
      const index = rows?.findIndex((row) => row.state === "dispatching" && row.dispatchTurnId === turnId) ?? -1;
      if (rows === undefined || index === -1) return false;
      const [removed] = rows.splice(index, 1);
      if (removed?.clientUserMessageId != null) {
        const at = this.now();
        this.database.dispatchedClientIds.set(clientIdKey(threadId, removed.clientUserMessageId), {
          record: { ...removed, queueOrder: -1, dispatchTurnId: null, failureJson: null, createdAtMs: at, updatedAtMs: at },
          atMs: at,
        });
      }
      return true;
    });
  }

  markQueuedTurnFailed(queuedTurnId: string, failureJson: string, options?: QueueWriteOptions<boolean>): Promise<boolean> {
    return this.versioned("markQueuedTurnFailed", options, () => {
      const failure = compactJson(failureJson, "failure is not valid JSON");
      const row = this.findRow(queuedTurnId);
      if (row?.state !== "dispatching") return false;
      this.fail(row, failure);
      this.bump(row.threadId);
      return true;
    });
  }

  recoverDispatchingQueuedTurns(threadId: string, failureJson: string, options?: QueueWriteOptions<number>): Promise<number> {
    return this.versioned("recoverDispatchingQueuedTurns", options, () => this.recover(threadId, failureJson));
  }

  requeueUnstartedQueuedTurns(threadId: string, options?: RequeueUnstartedOptions): Promise<number> {
    return this.versioned("requeueUnstartedQueuedTurns", options, () => {
      const unstarted = new Set(options?.turnIds ?? []);
      const rows = (this.rowsOf(threadId) ?? []).filter(
        (row) => row.state === "dispatching" && (row.dispatchTurnId === null || unstarted.has(row.dispatchTurnId)),
      );
      for (const row of rows) {
        row.state = "pending";
        row.updatedAtMs = this.now();
      }
      if (rows.length > 0) this.bump(threadId);
      return rows.length;
    });
  }

  // ── Leases ─────────────────────────────────────────────────────────────────────────────

  acquireThreadLease(threadId: string, request: ThreadLeaseRequest, options?: QueueWriteOptions<ThreadLeaseOutcome>): Promise<ThreadLeaseOutcome> {
    return this.versioned("acquireThreadLease", options, (): ThreadLeaseOutcome => {
      checkLeaseTtl(request.ttlMs);
      const thread = this.database.threads.get(threadId);
      if (thread === undefined) throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
      compactJson(request.abandonedClaimFailureJson, "failure is not valid JSON");
      const now = this.now();
      const stored = thread.lease;
      const decision = decideLease(stored, now, request);
      if (!decision.take) {
        return { acquired: false, ownerId: stored?.ownerId ?? "", expiresInMs: Math.max(0, (stored?.expiresAtMs ?? now) - now) };
      }
      thread.lease = { ownerId: request.ownerId, expiresAtMs: now + request.ttlMs };
      const recovered = decision.how === "held" ? 0 : this.recover(threadId, request.abandonedClaimFailureJson);
      const previousOwnerId = decision.how === "expired" || decision.how === "evicted" ? (stored?.ownerId ?? null) : null;
      return { acquired: true, how: decision.how, previousOwnerId, recovered };
    });
  }

  renewThreadLeases(ownerId: string, threadIds: readonly string[], ttlMs: number): Promise<string[]> {
    return this.op("renewThreadLeases", () => {
      checkLeaseTtl(ttlMs);
      return threadIds.filter((threadId) => {
        const thread = this.database.threads.get(threadId);
        if (thread?.lease?.ownerId !== ownerId) return false;
        thread.lease = { ownerId, expiresAtMs: this.now() + ttlMs };
        return true;
      });
    });
  }

  releaseThreadLeases(ownerId: string, threadIds: readonly string[]): Promise<number> {
    return this.op("releaseThreadLeases", () => {
      let released = 0;
      for (const threadId of threadIds) {
        const thread = this.database.threads.get(threadId);
        if (thread?.lease?.ownerId !== ownerId) continue;
        thread.lease = null;
        released += 1;
      }
      return released;
    });
  }

  // ── Change feed, close ─────────────────────────────────────────────────────────────────

  /** Live at once; the first event is a `resync` all the same, as for every backend's feed. */
  subscribeQueueChanges(listener: QueueChangeListener): () => void {
    this.listeners.add(listener);
    queueMicrotask(() => {
      if (this.listeners.has(listener)) tellListener(listener, LISTENING);
    });
    return () => this.listeners.delete(listener);
  }

  publishTurnEvent(event: TurnEvent): Promise<void> {
    return this.op("publishTurnEvent", () => this.tellPeers({ type: "turnEvent", ...event }));
  }

  forwardTurnStart(request: ForwardedTurnStart): Promise<void> {
    return this.op("forwardTurnStart", () => {
      this.database.forwardedTurnStarts.set(request.requestId, { request, state: "pending", answerJson: null });
      this.tellAll({ type: "turnStartForwarded", holderId: request.holderId });
    });
  }

  takeForwardedTurnStarts(holderId: string): Promise<ForwardedTurnStart[]> {
    return this.op("takeForwardedTurnStarts", () => {
      const taken: ForwardedTurnStart[] = [];
      for (const entry of this.database.forwardedTurnStarts.values()) {
        if (entry.state !== "pending" || entry.request.holderId !== holderId) continue;
        entry.state = "taken";
        taken.push(entry.request);
      }
      return taken;
    });
  }

  answerForwardedTurnStart(requestId: string, answerJson: string): Promise<boolean> {
    return this.op("answerForwardedTurnStart", () => {
      const entry = this.database.forwardedTurnStarts.get(requestId);
      if (entry?.state !== "taken") return false;
      entry.state = "answered";
      entry.answerJson = answerJson;
      this.tellAll({ type: "turnStartAnswered", requestId });
      return true;
    });
  }

  collectForwardedTurnStart(requestId: string, withdraw: boolean): Promise<ForwardedTurnStartState> {
    return this.op("collectForwardedTurnStart", (): ForwardedTurnStartState => {
      const entry = this.database.forwardedTurnStarts.get(requestId);
      if (entry === undefined) return { state: "missing" };
      if (entry.state === "answered" && entry.answerJson !== null) {
        this.database.forwardedTurnStarts.delete(requestId);
        return { state: "answered", answerJson: entry.answerJson };
      }
      if (entry.state === "pending" && withdraw) {
        this.database.forwardedTurnStarts.delete(requestId);
        return { state: "cancelled" };
      }
      return { state: entry.state === "pending" ? "pending" : "taken" };
    });
  }

  /** Tells this store's listeners that changes may have been missed (as a reconnect would). */
  resync(reason: string): void {
    this.emit({ type: "resync", reason });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.listeners.clear();
    this.database.stores.delete(this);
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────

  private op<T>(method: keyof QueueStore, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ method, work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private versioned<T>(method: keyof QueueStore, options: QueueWriteOptions<T> | undefined, work: () => T): Promise<T> {
    return this.op(method, () => this.capture.run(work)).then(reportCommitted(options));
  }

  private runBatch(batch: readonly QueuedOp[]): void {
    const outcomes: OpOutcome[] = batch.map((op) => {
      const fault = this.options.fault?.(op.method);
      if (fault !== undefined && fault.afterCommit !== true) return { ok: false, error: fault.error };
      const outcome = attempt(op.work);
      return fault === undefined ? outcome : { ok: false, error: fault.error };
    });
    const changes = this.committedChanges;
    this.committedChanges = [];
    batch.forEach((op, index) => {
      const outcome = outcomes[index] as OpOutcome;
      if (outcome.ok) op.resolve(outcome.value);
      else op.reject(outcome.error);
    });
    if (changes.length === 0) return;
    for (const peer of this.database.stores) {
      if (peer === this) continue;
      // Later, not inside this batch, as a notification arrives.
      queueMicrotask(() => {
        for (const { threadId, version } of changes) peer.emit({ type: "changed", threadId, version });
      });
    }
  }

  private get dedupeRetentionMs(): number {
    return this.options.dedupeRetentionMs ?? DEFAULT_DEDUPE_RETENTION_MS;
  }

  /** Later, not inside this batch, as a notification arrives. */
  private tellPeers(change: QueueChange): void {
    for (const peer of this.database.stores) if (peer !== this) queueMicrotask(() => peer.emit(change));
  }

  /** Forwarded turn/starts are addressed by instance id, which may be this store's own. */
  private tellAll(change: QueueChange): void {
    for (const store of this.database.stores) queueMicrotask(() => store.emit(change));
  }

  private emit(change: QueueChange): void {
    for (const listener of this.listeners) tellListener(listener, change);
  }

  private bump(threadId: string): void {
    const thread = this.database.threads.get(threadId);
    if (thread === undefined) return;
    thread.version += 1;
    this.capture.note(thread.version);
    this.committedChanges.push({ threadId, version: thread.version });
  }

  private recover(threadId: string, failureJson: string): number {
    const failure = compactJson(failureJson, "failure is not valid JSON");
    const rows = (this.rowsOf(threadId) ?? []).filter((row) => row.state === "dispatching");
    for (const row of rows) this.fail(row, failure);
    if (rows.length > 0) this.bump(threadId);
    return rows.length;
  }

  private fail(row: QueuedTurnRecord, failure: string): void {
    row.state = "failed";
    row.failureJson = failure;
    row.updatedAtMs = this.now();
  }

  private rowsOf(threadId: string): QueuedTurnRecord[] | undefined {
    return this.database.rows.get(threadId);
  }

  private visible(threadId: string): QueuedTurnRecord[] {
    return (this.rowsOf(threadId) ?? []).filter(VISIBLE).map((row) => ({ ...row }));
  }

  private findRow(queuedTurnId: string): QueuedTurnRecord | undefined {
    for (const rows of this.database.rows.values()) {
      const row = rows.find((each) => each.queuedTurnId === queuedTurnId);
      if (row !== undefined) return row;
    }
    return undefined;
  }
}

/** A row's size for the byte limits: its params' UTF-8 JSON (the databases measure their own stored form). */
function storedBytes(json: string): number {
  return Buffer.byteLength(json, "utf8");
}

function compactJson(text: string, message: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new QueueStoreError("invalid_json", message, { cause: error });
  }
}

function attempt(work: () => unknown): OpOutcome {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}
