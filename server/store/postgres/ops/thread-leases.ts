import { QueueStoreError, type ThreadLeaseOutcome, type ThreadLeaseRequest } from "../../queue-store.js";
import { checkLeaseTtl, decideLease } from "../../thread-lease-decision.js";
import { lockThread, lockThreadsInOrder } from "./lock-thread.js";
import { DB_NOW_MS, run, statement, type OpContext } from "./op-context.js";
import { recoverDispatchingQueuedTurns } from "./recover-dispatching-queued-turns.js";

/**
 * Every lease write runs under the thread's row lock (the batcher takes them in id order), like
 * every queue write: reading the lease and replacing it cannot interleave with another
 * instance, and a claim — which checks the lease under the same lock — sees the outcome.
 * Expiry uses the database's clock, read once per op, so instances' clocks never matter.
 */
const CURRENT = statement(
  "lease_current",
  `SELECT ${DB_NOW_MS} AS now_ms, lease.owner_id, lease.expires_at_ms
   FROM (SELECT 1) AS one
   LEFT JOIN thread_leases AS lease ON lease.thread_id = $1`,
);

// A renewal keeps acquired_at_ms: it says since when this owner has held the thread.
const TAKE = statement(
  "lease_take",
  `INSERT INTO thread_leases (thread_id, owner_id, expires_at_ms, acquired_at_ms)
   VALUES ($1, $2, $3::bigint + $4::bigint, $3::bigint)
   ON CONFLICT (thread_id) DO UPDATE SET
     owner_id = EXCLUDED.owner_id,
     expires_at_ms = EXCLUDED.expires_at_ms,
     acquired_at_ms = CASE WHEN thread_leases.owner_id = EXCLUDED.owner_id
                           THEN thread_leases.acquired_at_ms ELSE EXCLUDED.acquired_at_ms END`,
);

const RENEW = statement(
  "lease_renew",
  `UPDATE thread_leases SET expires_at_ms = ${DB_NOW_MS} + $3::bigint
   WHERE owner_id = $1 AND thread_id = ANY($2::text[])
   RETURNING thread_id`,
);

const RELEASE = statement("lease_release", "DELETE FROM thread_leases WHERE owner_id = $1 AND thread_id = ANY($2::text[])");

export async function acquireThreadLease(context: OpContext, threadId: string, request: ThreadLeaseRequest): Promise<ThreadLeaseOutcome> {
  checkLeaseTtl(request.ttlMs);
  const { db } = context;
  if (!(await lockThread(db, threadId))) throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
  const row = (await run<{ now_ms: number; owner_id: string | null; expires_at_ms: number | null }>(db, CURRENT, [threadId])).rows[0];
  if (!row) throw new Error("lease read returned no row");
  const stored = row.owner_id === null || row.expires_at_ms === null ? null : { ownerId: row.owner_id, expiresAtMs: row.expires_at_ms };
  const decision = decideLease(stored, row.now_ms, request);
  if (!decision.take) {
    return { acquired: false, ownerId: stored?.ownerId ?? "", expiresInMs: Math.max(0, (stored?.expiresAtMs ?? row.now_ms) - row.now_ms) };
  }
  await run(db, TAKE, [threadId, request.ownerId, row.now_ms, request.ttlMs]);
  const recovered =
    decision.how === "held" ? 0 : await recoverDispatchingQueuedTurns(context, threadId, request.abandonedClaimFailureJson);
  const previousOwnerId = decision.how === "expired" || decision.how === "evicted" ? (stored?.ownerId ?? null) : null;
  return { acquired: true, how: decision.how, previousOwnerId, recovered };
}

export async function renewThreadLeases({ db }: OpContext, ownerId: string, threadIds: readonly string[], ttlMs: number): Promise<string[]> {
  checkLeaseTtl(ttlMs);
  if (threadIds.length === 0) return [];
  await lockThreadsInOrder(db, { threadIds, queuedTurnIds: [] });
  return (await run<{ thread_id: string }>(db, RENEW, [ownerId, [...threadIds], ttlMs])).rows.map((row) => row.thread_id);
}

export async function releaseThreadLeases({ db }: OpContext, ownerId: string, threadIds: readonly string[]): Promise<number> {
  if (threadIds.length === 0) return 0;
  await lockThreadsInOrder(db, { threadIds, queuedTurnIds: [] });
  return (await run(db, RELEASE, [ownerId, [...threadIds]])).rowCount ?? 0;
}
