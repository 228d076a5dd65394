import type { QueuedTurnRecord } from "../../queue-store.js";
import { sqlState } from "../errors.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import { lockThread } from "./lock-thread.js";
import { DB_NOW_MS, run, statement, type OpContext } from "./op-context.js";
import { noteBumpedVersion, QUEUE_CHANGED_CHANNEL, withQueueVersionBump, type WithBumpedVersion } from "./queue-version.js";

/**
 * One UPDATE picks the head visible row and claims it only if that head is pending and nothing
 * of the thread is dispatching; a failed head matches the subquery but not `state = 'pending'`,
 * which is what blocks the queue behind it. It runs under the thread's row lock, so claimers on
 * several instances take turns and each sees the previous one's claim: one winner.
 * With a lease owner ($3), the claim also requires that owner's unexpired lease (by the
 * database's clock), so an instance whose lease was taken over cannot claim any more. A dispatch
 * turn id ($6) is recorded by the same statement.
 */
const CLAIM = statement(
  "claim_head_queued_turn",
  withQueueVersionBump(
    `UPDATE thread_queued_turns
   SET state = 'dispatching', dispatch_turn_id = $6::text, updated_at_ms = $2
   WHERE queued_turn_id = (
       SELECT head.queued_turn_id
       FROM thread_queued_turns AS head
       WHERE head.thread_id = $1 AND head.state IN ${VISIBLE_STATES_SQL}
       ORDER BY head.queue_order ASC
       LIMIT 1
     )
     AND state = 'pending'
     AND NOT EXISTS (
       SELECT 1 FROM thread_queued_turns AS active
       WHERE active.thread_id = $1 AND active.state = 'dispatching'
     )
     AND ($3::text IS NULL OR EXISTS (
       SELECT 1 FROM thread_leases AS lease
       WHERE lease.thread_id = $1 AND lease.owner_id = $3 AND lease.expires_at_ms > ${DB_NOW_MS}
     ))
   RETURNING ${QUEUED_TURN_COLUMNS}`,
    "$1",
    "$4",
    "$5",
  ),
);

export async function claimHeadQueuedTurn(
  context: OpContext,
  threadId: string,
  leaseOwnerId: string | undefined,
  dispatchTurnId: string | undefined,
): Promise<QueuedTurnRecord | null> {
  const { db, now } = context;
  if (!(await lockThread(db, threadId))) return null;
  const values = [threadId, now(), leaseOwnerId ?? null, QUEUE_CHANGED_CHANNEL, context.origin, dispatchTurnId ?? null];
  const row = (await run<WithBumpedVersion<QueuedTurnRow>>(db, CLAIM, values)).rows[0];
  noteBumpedVersion(context, row);
  return row ? toQueuedTurnRecord(row) : null;
}

/**
 * A claim that the one-dispatching index refused lost a race (possible only against a writer
 * that skips the thread lock): for the caller that is "no claim", not a failure. Applied to the
 * op's settled promise, after the batcher rolled its transaction back.
 */
export function lostClaimAsNull(error: unknown): null {
  if (sqlState(error) === "23505" && (error as { constraint?: string }).constraint === "thread_queued_turns_one_dispatching_idx") {
    return null;
  }
  throw error;
}
