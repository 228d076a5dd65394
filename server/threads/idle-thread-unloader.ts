/**
 * Unloads threads nobody is watching: a loaded thread with no subscriber and nothing running,
 * for `idleMs`, is dropped from the registry and its lease released (as upstream unloads
 * threads whose last subscriber left), so a server that once had many threads does not keep
 * renewing their leases and holding their state forever.
 *
 * The registry keeps unwatched threads oldest first, so a sweep costs what it unloads. Each
 * thread is checked again when its turn comes: a subscriber that came back, a turn that started
 * or queue work in flight (a claim, a dispatch, a read) keeps it loaded.
 * A thread that is unloaded can be resumed again like any persisted thread; an ephemeral one is
 * gone (it exists only in memory).
 */
import type { Logger } from "../logger.js";
import { isThreadIdle, type LoadedThread } from "./loaded-thread.js";
import type { ThreadRegistry } from "./thread-registry.js";

export interface UnloadHooks {
  /** Whether the queue still has work of this thread in flight here (a dispatch, a retry). */
  isBusy(threadId: string): boolean;
  /** The threads just unloaded: release their leases, forget what was kept about them. */
  unloaded(threadIds: readonly string[]): Promise<void>;
}

/** Threads unloaded per `unloaded` call (their leases are released in one store call). */
const SWEEP_BATCH = 500;

export class IdleThreadUnloader {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly registry: ThreadRegistry,
    private readonly hooks: UnloadHooks,
    private readonly options: { readonly idleMs: number; readonly logger: Logger; readonly now?: () => number },
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    const every = Math.max(100, Math.min(this.options.idleMs / 4, 5_000));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  /** No more sweeps; waits for one under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Unloads every thread unwatched and idle for `idleMs`; resolves with how many. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepNow()
      .catch((error: unknown) => {
        this.options.logger.warn("unloading idle threads failed; retried on the next sweep", error);
        return 0;
      })
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepNow(): Promise<number> {
    const cutoff = (this.options.now ?? Date.now)() - this.options.idleMs;
    const candidates = [...this.registry.unwatchedSince(cutoff)];
    let unloaded = 0;
    for (let start = 0; start < candidates.length; start += SWEEP_BATCH) {
      const batch = candidates.slice(start, start + SWEEP_BATCH);
      const gone = batch.map((thread) => this.unloadIfIdle(thread)).filter((threadId): threadId is string => threadId !== undefined);
      if (gone.length === 0) continue;
      await this.hooks.unloaded(gone);
      unloaded += gone.length;
    }
    if (unloaded > 0) this.options.logger.debug(`unloaded ${unloaded} idle thread(s) without subscribers`);
    return unloaded;
  }

  private unloadIfIdle(thread: LoadedThread): string | undefined {
    if (this.registry.get(thread.id) !== thread || thread.subscribers.size > 0) return undefined;
    if (!isThreadIdle(thread) || this.hooks.isBusy(thread.id)) {
      this.registry.touchUnwatched(thread.id);
      return undefined;
    }
    this.registry.remove(thread.id);
    return thread.id;
  }
}
