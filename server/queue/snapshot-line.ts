/**
 * The order in which one thread's `thread/queue/changed` snapshots leave this instance.
 *
 * - **Version order.** Snapshots are offered with the queue version they show and leave in
 *   ascending version order; one older than what was already sent is dropped, so subscribers
 *   never get an older queue after a newer one (several instances write one thread).
 * - **One per change.** Each version offered is sent: a burst of adds gives one snapshot per
 *   add, not one for the burst (SPEC §3). (A re-read after a gap covers every version up to
 *   the one read — those changes were another instance's, or were not seen one by one.)
 * - **After the response.** A client write holds the line from the version it committed at
 *   until its response has been written (`hold`), so the writer sees its response before the
 *   `changed` it caused, and every later snapshot — a claim's that raced ahead — waits behind.
 * - **Before the turn.** A dispatch waits (`whenSent`) until its claim's snapshot has left
 *   before it starts the turn: `changed` without the row comes before `turn/started`.
 *
 * Sending means handing one `PreparedNotification` to every subscriber (serialised once).
 */
import type { PreparedNotification } from "../threads/prepared-notification.js";
import type { ViewSnapshot } from "./queue-view.js";

/** Keeps snapshots from `version` on waiting until released; see the file comment. */
export interface SnapshotHold {
  /** The version the holder's write committed at; until then the hold keeps nothing back. */
  at(version: number): void;
  release(): void;
}


export class SnapshotLine {
  /** Version of the last snapshot sent; -1 before any. */
  private sent = -1;
  /** Offered, not yet sent, ascending by version, all newer than `sent`. */
  private waiting: ViewSnapshot[] = [];
  private readonly holds = new Set<LineHold>();
  private readonly waiters: Array<{ version: number; resolve: () => void }> = [];

  constructor(
    private readonly prepare: (snapshot: ViewSnapshot) => PreparedNotification,
    private readonly deliver: (notification: PreparedNotification) => void,
  ) {}

  /** What subscribers already know without a snapshot (a thread created here is empty, version 0). */
  assumeSent(version: number): void {
    this.sent = Math.max(this.sent, version);
  }

  offer(snapshot: ViewSnapshot): void {
    if (snapshot.version <= this.sent || this.waiting.some((each) => each.version === snapshot.version)) return;
    const index = this.waiting.findIndex((each) => each.version > snapshot.version);
    if (index === -1) this.waiting.push(snapshot);
    else this.waiting.splice(index, 0, snapshot);
    this.flush();
  }

  /**
   * Sends `current` again even if it was sent already (a resume: its new subscriber needs the
   * queue), in its turn. When newer snapshots are waiting they will reach the subscriber anyway.
   */
  resend(current: ViewSnapshot): void {
    if (current.version > this.sent) {
      this.offer(current);
      return;
    }
    if (this.waiting.length === 0) this.deliver(this.prepare(current));
  }

  hold(): SnapshotHold {
    const hold = new LineHold(this);
    this.holds.add(hold);
    return hold;
  }

  /** A hold let go (LineHold.release): what it kept back may leave now. */
  released(hold: LineHold): void {
    if (this.holds.delete(hold)) this.flush();
  }

  /** Resolves once no snapshot of `version` or older is waiting: what there was of them has left. */
  whenSent(version: number): Promise<void> {
    if (!this.waitsFor(version)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  private flush(): void {
    const barrier = this.barrier();
    while (this.waiting.length > 0 && (this.waiting[0] as ViewSnapshot).version < barrier) {
      const snapshot = this.waiting.shift() as ViewSnapshot;
      this.sent = snapshot.version;
      this.deliver(this.prepare(snapshot));
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i] as { version: number; resolve: () => void };
      if (this.waitsFor(waiter.version)) continue;
      this.waiters.splice(i, 1);
      waiter.resolve();
    }
  }

  private waitsFor(version: number): boolean {
    return this.waiting.length > 0 && (this.waiting[0] as ViewSnapshot).version <= version;
  }

  /** Snapshots from this version on wait: the oldest version a live hold committed at. */
  private barrier(): number {
    let barrier = Number.POSITIVE_INFINITY;
    for (const hold of this.holds) if (hold.version !== undefined && hold.version < barrier) barrier = hold.version;
    return barrier;
  }
}

/** One write's hold on its line (a class, not closures: one is made per client write). */
class LineHold implements SnapshotHold {
  version: number | undefined;

  constructor(private readonly line: SnapshotLine) {}

  at(version: number): void {
    this.version = version;
  }

  release(): void {
    this.line.released(this);
  }
}
