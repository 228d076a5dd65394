import {
  QueueStoreError,
  type ThreadLeaseOutcome,
  type ThreadLeaseRequest,
} from "../../queue-store.js";
import { checkLeaseTtl, decideLease } from "../../thread-lease-decision.js";
import type { OpContext } from "./op-context.js";

export interface ThreadLeaseOps {
  acquire(threadId: string, request: ThreadLeaseRequest): ThreadLeaseOutcome;
  renew(ownerId: string, threadIds: readonly string[], ttlMs: number): string[];
  release(ownerId: string, threadIds: readonly string[]): number;
}

/**
 * Leases on one machine: the store's clock is every instance's clock. Each op runs in the
 * batcher's IMMEDIATE transaction, so reading the lease and writing it cannot interleave with
 * another process; a lease that changes hands fails the abandoned claims in the same one.
 */
export function prepareThreadLeaseOps(
  { db, now }: OpContext,
  recoverDispatching: (threadId: string, failureJson: string) => number,
): ThreadLeaseOps {
  const threadExists = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM threads WHERE id = ?");
  const current = db.prepare<[string], { owner_id: string; expires_at_ms: number }>(
    "SELECT owner_id, expires_at_ms FROM thread_leases WHERE thread_id = ?",
  );
  // A renewal keeps acquired_at_ms: it says since when this owner has held the thread.
  const take = db.prepare<{ threadId: string; owner: string; expires: number; now: number }>(`
    INSERT INTO thread_leases (thread_id, owner_id, expires_at_ms, acquired_at_ms)
    VALUES (@threadId, @owner, @expires, @now)
    ON CONFLICT (thread_id) DO UPDATE SET
      owner_id = excluded.owner_id,
      expires_at_ms = excluded.expires_at_ms,
      acquired_at_ms = CASE WHEN thread_leases.owner_id = excluded.owner_id
                            THEN thread_leases.acquired_at_ms ELSE excluded.acquired_at_ms END`);
  // `+owner_id` keeps the owner index out: probing the primary key once per id costs
  // O(ids · log N); walking the owner's index costs O(all its leases) for every batch.
  const renew = db.prepare<{ owner: string; ids: string; expires: number }, { thread_id: string }>(`
    UPDATE thread_leases SET expires_at_ms = @expires
    WHERE thread_id IN (SELECT value FROM json_each(@ids)) AND +owner_id = @owner
    RETURNING thread_id`);
  const release = db.prepare<{ owner: string; ids: string }>(`
    DELETE FROM thread_leases
    WHERE thread_id IN (SELECT value FROM json_each(@ids)) AND +owner_id = @owner`);

  return {
    acquire(threadId, request) {
      checkLeaseTtl(request.ttlMs);
      if (!threadExists.get(threadId)) throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
      const nowMs = now();
      const row = current.get(threadId);
      const stored = row ? { ownerId: row.owner_id, expiresAtMs: row.expires_at_ms } : null;
      const decision = decideLease(stored, nowMs, request);
      if (!decision.take) {
        return { acquired: false, ownerId: stored?.ownerId ?? "", expiresInMs: Math.max(0, (stored?.expiresAtMs ?? nowMs) - nowMs) };
      }
      take.run({ threadId, owner: request.ownerId, expires: nowMs + request.ttlMs, now: nowMs });
      const recovered = decision.how === "held" ? 0 : recoverDispatching(threadId, request.abandonedClaimFailureJson);
      const previousOwnerId = decision.how === "expired" || decision.how === "evicted" ? (stored?.ownerId ?? null) : null;
      return { acquired: true, how: decision.how, previousOwnerId, recovered };
    },
    renew(ownerId, threadIds, ttlMs) {
      checkLeaseTtl(ttlMs);
      if (threadIds.length === 0) return [];
      return renew.all({ owner: ownerId, ids: JSON.stringify(threadIds), expires: now() + ttlMs }).map((row) => row.thread_id);
    },
    release(ownerId, threadIds) {
      if (threadIds.length === 0) return 0;
      return release.run({ owner: ownerId, ids: JSON.stringify(threadIds) }).changes;
    },
  };
}
