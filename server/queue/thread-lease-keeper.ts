/**
 * This instance's view of the thread leases it holds (server/store/queue-store.ts): which
 * threads it may dispatch, until when, and when to ask again for a thread another live
 * instance holds. It only records what the store answered; the dispatcher decides what to do
 * about it. The store is the authority — claims are refused there without a live lease — so
 * this view may lag behind it, never ahead: a lease counts as held only until `ttlMs` after
 * the request that last renewed it was sent.
 */
import type { QueueStore, QueueWriteOptions, ThreadLeaseOutcome } from "../store/queue-store.js";

/**
 * Leases renewed (or released) per store call. One call for every held lease was one statement
 * over all of them — 1.6 s with the event loop blocked at 300,000 threads; in batches, other
 * work runs between them, and each batch costs its own size (the store probes by primary key).
 */
export const LEASE_BATCH = 500;

export interface ThreadLeaseSettings {
  /** This instance in `thread_leases.owner_id`. */
  readonly ownerId: string;
  readonly ttlMs: number;
  /** Whether another owner is known to be dead (SQLite: a gone process of this machine). */
  readonly isOwnerGone?: (ownerId: string) => boolean;
}

export interface LeaseRenewal {
  /** Held before and still held. */
  readonly kept: string[];
  /** Had lapsed here (renewals failed for a while) and are held again: worth a drain. */
  readonly regained: string[];
  /** Another instance has them now. */
  readonly lost: string[];
}

export class ThreadLeaseKeeper {
  /** Thread id → local time until which the lease is surely still ours. */
  private readonly validUntil = new Map<string, number>();
  /** Thread id → local time before which asking for another instance's lease is pointless. */
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly store: QueueStore,
    readonly settings: ThreadLeaseSettings,
    private readonly abandonedClaimFailureJson: string,
    private readonly now: () => number = Date.now,
  ) {}

  holds(threadId: string): boolean {
    return (this.validUntil.get(threadId) ?? 0) > this.now();
  }

  /** Threads this instance has held and still tries to keep. */
  held(): string[] {
    return [...this.validUntil.keys()];
  }

  /** Whether a thread held elsewhere is due for another attempt. */
  due(threadId: string): boolean {
    return (this.retryAt.get(threadId) ?? 0) <= this.now();
  }

  /**
   * Takes (or renews) the lease; recovery of abandoned claims happens in the store, atomically
   * (`options.onCommitted` hears of it).
   */
  async acquire(threadId: string, options?: QueueWriteOptions<ThreadLeaseOutcome>): Promise<ThreadLeaseOutcome> {
    const askedAt = this.now();
    const request = { ownerId: this.settings.ownerId, ttlMs: this.settings.ttlMs, abandonedClaimFailureJson: this.abandonedClaimFailureJson };
    let outcome = await this.store.acquireThreadLease(threadId, request, options);
    if (!outcome.acquired && this.settings.isOwnerGone?.(outcome.ownerId) === true) {
      outcome = await this.store.acquireThreadLease(threadId, { ...request, evictOwnerId: outcome.ownerId }, options);
    }
    if (outcome.acquired) {
      this.validUntil.set(threadId, askedAt + this.settings.ttlMs);
      this.retryAt.delete(threadId);
    } else {
      this.validUntil.delete(threadId);
      // Its owner renews well before expiry; asking before then only costs a transaction.
      this.retryAt.set(threadId, askedAt + Math.min(outcome.expiresInMs, this.settings.ttlMs));
    }
    return outcome;
  }

  /** Renews every held lease, LEASE_BATCH per store call. */
  async renew(): Promise<LeaseRenewal> {
    const result: LeaseRenewal = { kept: [], regained: [], lost: [] };
    const threadIds = this.held();
    for (let start = 0; start < threadIds.length; start += LEASE_BATCH) {
      // A thread forgotten (unloaded) meanwhile is no longer renewed.
      const batch = threadIds.slice(start, start + LEASE_BATCH).filter((id) => this.validUntil.has(id));
      if (batch.length > 0) await this.renewBatch(batch, result);
    }
    return result;
  }

  private async renewBatch(threadIds: readonly string[], result: LeaseRenewal): Promise<void> {
    const askedAt = this.now();
    const lapsed = new Set(threadIds.filter((id) => !this.holds(id)));
    const renewed = new Set(await this.store.renewThreadLeases(this.settings.ownerId, threadIds, this.settings.ttlMs));
    for (const threadId of threadIds) {
      if (!this.validUntil.has(threadId)) continue; // forgotten while the batch was out
      if (renewed.has(threadId)) {
        this.validUntil.set(threadId, askedAt + this.settings.ttlMs);
        (lapsed.has(threadId) ? result.regained : result.kept).push(threadId);
      } else {
        this.validUntil.delete(threadId);
        result.lost.push(threadId);
      }
    }
  }

  /**
   * Threads this instance stops dispatching (unloaded): no longer renewed, and released so that
   * another instance may take them at once. Returns how many leases were released.
   */
  async forget(threadIds: readonly string[]): Promise<number> {
    const held = threadIds.filter((id) => this.validUntil.delete(id));
    for (const id of threadIds) this.retryAt.delete(id);
    return this.release(held);
  }

  /** Shutdown: other instances may take these threads at once instead of after expiry. */
  async releaseAll(): Promise<number> {
    const threadIds = this.held();
    this.validUntil.clear();
    return this.release(threadIds);
  }

  private async release(threadIds: readonly string[]): Promise<number> {
    let released = 0;
    for (let start = 0; start < threadIds.length; start += LEASE_BATCH) {
      released += await this.store.releaseThreadLeases(this.settings.ownerId, threadIds.slice(start, start + LEASE_BATCH));
    }
    return released;
  }
}
