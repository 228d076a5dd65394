import { realpathSync } from "node:fs";
import type { QueueChangeListener } from "../queue-store.js";
import { LISTENING, tellListener } from "../tell-listener.js";
import { prepareReadTurnEvents } from "./ops/turn-events.js";
import type { Db } from "./open-database.js";
import type { QueueChangeLog } from "./ops/op-context.js";

/** Stores of this process, by the real path of their file: they tell each other what they commit. */
const storesByFile = new Map<string, Set<SqliteChangeFeed>>();

interface Change {
  threadId: string;
  version: number;
}

/**
 * The SQLite side of `subscribeQueueChanges`. SQLite has no notification channel between
 * processes, so:
 * - stores of one process on one file hear each other's commits at once, with versions;
 * - commits of other processes are noticed by polling `PRAGMA data_version` (which changes
 *   whenever another connection committed) and reported as a `resync`: the listener re-reads.
 *   The poll runs only while someone listens, and costs one pragma per tick.
 * Several processes on one file are a single-machine setup; PostgreSQL is the multi-machine one.
 */
export class SqliteChangeFeed implements QueueChangeLog {
  private readonly listeners = new Set<QueueChangeListener>();
  private pending: Change[] = [];
  private poll: NodeJS.Timeout | undefined;
  private dataVersion = 0;
  private readonly fileKey: string | undefined;
  private readonly turnEvents: ReturnType<typeof prepareReadTurnEvents>;
  /** The last turn event reported (or present when listening began). */
  private lastEventSeq = 0;

  constructor(
    private readonly db: Db,
    path: string,
    private readonly pollIntervalMs: number,
    origin: string,
  ) {
    this.turnEvents = prepareReadTurnEvents(db, origin);
    this.fileKey = path === ":memory:" ? undefined : realpathSync(path);
    if (this.fileKey !== undefined) {
      const peers = storesByFile.get(this.fileKey) ?? new Set<SqliteChangeFeed>();
      peers.add(this);
      storesByFile.set(this.fileKey, peers);
    }
  }

  /** An op's version bump; held until its transaction commits. */
  note(threadId: string, version: number): void {
    this.pending.push({ threadId, version });
  }

  committed(): void {
    const changes = this.pending;
    this.pending = [];
    if (changes.length === 0 || this.fileKey === undefined) return;
    for (const peer of storesByFile.get(this.fileKey) ?? []) if (peer !== this) peer.deliver(changes);
  }

  aborted(): void {
    this.pending = [];
  }

  /**
   * Registration is immediate (so is the data_version baseline), so the feed is live at once;
   * the `resync` that every subscriber hears first still comes, as the contract promises.
   */
  subscribe(listener: QueueChangeListener): () => void {
    this.listeners.add(listener);
    queueMicrotask(() => {
      if (this.listeners.has(listener)) tellListener(listener, LISTENING);
    });
    if (this.poll === undefined && this.pollIntervalMs > 0 && this.fileKey !== undefined) {
      this.dataVersion = this.readDataVersion();
      this.lastEventSeq = this.turnEvents.latest();
      this.poll = setInterval(() => this.checkOtherProcesses(), this.pollIntervalMs);
      this.poll.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  close(): void {
    this.stopPolling();
    this.listeners.clear();
    if (this.fileKey === undefined) return;
    const peers = storesByFile.get(this.fileKey);
    peers?.delete(this);
    if (peers?.size === 0) storesByFile.delete(this.fileKey);
  }

  private deliver(changes: readonly Change[]): void {
    if (this.listeners.size === 0) return;
    // Later, not inside the committing store's batch: a listener's reads must not run there.
    queueMicrotask(() => {
      for (const { threadId, version } of changes) this.emit({ type: "changed", threadId, version });
    });
  }

  private checkOtherProcesses(): void {
    let current: number;
    try {
      current = this.readDataVersion();
    } catch {
      return; // A busy or closing file: the next tick looks again.
    }
    if (current === this.dataVersion) return;
    this.dataVersion = current;
    // Turn events first, in the order they were written; then whatever else changed.
    try {
      for (const event of this.turnEvents.after(this.lastEventSeq)) {
        this.lastEventSeq = event.seq;
        this.emit({ type: "turnEvent", threadId: event.threadId, method: event.method, paramsJson: event.paramsJson });
      }
    } catch {
      // A busy or closing file: the events are read with the next change.
    }
    this.emit({ type: "resync", reason: "another connection committed to the database file" });
  }

  private readDataVersion(): number {
    return Number(this.db.pragma("data_version", { simple: true }));
  }

  private emit(change: Parameters<QueueChangeListener>[0]): void {
    for (const listener of this.listeners) tellListener(listener, change);
  }

  private stopPolling(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
  }
}
