import type { QueuedTurnRecord } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/**
 * One UPDATE picks the head visible row and claims it only if that head is pending and nothing
 * of the thread is dispatching. It runs under SQLite's single write lock (the batcher begins
 * IMMEDIATE), so between connections or processes exactly one claim wins; a failed head matches
 * the subquery but not `state = 'pending'`, which is what blocks the queue behind it.
 * With a lease owner, the same statement also requires that owner's unexpired lease, so an
 * instance whose lease was taken over cannot claim on stale beliefs. A dispatch turn id given
 * with the claim is recorded by the same statement.
 */
export function prepareClaimHeadQueuedTurn(
  { db, now }: OpContext,
  bumpVersion: BumpQueueVersion,
): (threadId: string, leaseOwnerId?: string, dispatchTurnId?: string) => QueuedTurnRecord | null {
  const claim = db.prepare<{ threadId: string; owner: string | null; turnId: string | null; now: number }, QueuedTurnRow>(`
    UPDATE thread_queued_turns
    SET state = 'dispatching', dispatch_turn_id = @turnId, updated_at_ms = @now
    WHERE queued_turn_id = (
      SELECT head.queued_turn_id
      FROM thread_queued_turns AS head
      WHERE head.thread_id = @threadId
        AND head.state IN ${VISIBLE_STATES_SQL}
        AND NOT EXISTS (
          SELECT 1 FROM thread_queued_turns AS active
          WHERE active.thread_id = head.thread_id AND active.state = 'dispatching'
        )
      ORDER BY head.queue_order ASC
      LIMIT 1
    )
      AND state = 'pending'
      AND (@owner IS NULL OR EXISTS (
        SELECT 1 FROM thread_leases
        WHERE thread_leases.thread_id = @threadId AND owner_id = @owner AND expires_at_ms > @now
      ))
    RETURNING ${QUEUED_TURN_COLUMNS}`);

  return (threadId, leaseOwnerId, dispatchTurnId) => {
    const row = claim.get({ threadId, owner: leaseOwnerId ?? null, turnId: dispatchTurnId ?? null, now: now() });
    if (!row) return null;
    bumpVersion(threadId);
    return toQueuedTurnRecord(row);
  };
}
