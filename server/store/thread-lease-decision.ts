import { QueueStoreError, type ThreadLeaseAcquisition, type ThreadLeaseRequest } from "./queue-store.js";

/** A thread's lease row as stored, or null when there is none. */
export interface StoredLease {
  ownerId: string;
  expiresAtMs: number;
}

export type LeaseDecision = { take: true; how: ThreadLeaseAcquisition } | { take: false };

/**
 * Who gets a thread's lease, for both backends (each reads the row and the clock under the
 * thread's write lock, then writes what this says). Ours is always renewed, even when it has
 * expired but nobody took it over: then nobody else can have claimed in between.
 */
export function decideLease(current: StoredLease | null, nowMs: number, request: Pick<ThreadLeaseRequest, "ownerId" | "evictOwnerId">): LeaseDecision {
  if (current === null) return { take: true, how: "free" };
  if (current.ownerId === request.ownerId) return { take: true, how: "held" };
  if (current.expiresAtMs <= nowMs) return { take: true, how: "expired" };
  if (request.evictOwnerId !== undefined && current.ownerId === request.evictOwnerId) return { take: true, how: "evicted" };
  return { take: false };
}

export function checkLeaseTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new QueueStoreError("invalid_argument", `lease ttlMs must be a positive integer, got ${ttlMs}`);
  }
}
