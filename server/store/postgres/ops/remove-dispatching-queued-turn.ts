import { DEFAULT_DEDUPE_RETENTION_MS } from "../../queue-store.js";
import { lockThread } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";

/**
 * Called when a turn of the thread starts. Keyed by the turn id recorded at dispatch, so a direct
 * turn/start (or a claim whose turn id is not yet recorded) never removes the queued row.
 *
 * A removed row that carried a `clientUserMessageId` leaves it in `thread_dispatched_client_ids`
 * (same statement), so that a retried add within the retention window finds it and runs
 * nothing; the thread's entries older than the window go in the same statement.
 */
const DELETE = statement(
  "remove_dispatching_queued_turn",
  `WITH removed AS (
     DELETE FROM thread_queued_turns
     WHERE thread_id = $1 AND state = 'dispatching' AND dispatch_turn_id = $2
     RETURNING queued_turn_id, client_user_message_id, turn_start_params_jsonb
   ),
   kept AS (
     INSERT INTO thread_dispatched_client_ids (thread_id, client_user_message_id, queued_turn_id, turn_start_params_jsonb, dispatched_at_ms)
     SELECT $1, client_user_message_id, queued_turn_id, turn_start_params_jsonb, $3 FROM removed
     WHERE client_user_message_id IS NOT NULL
     ON CONFLICT (thread_id, client_user_message_id) DO UPDATE
       SET queued_turn_id = EXCLUDED.queued_turn_id,
           turn_start_params_jsonb = EXCLUDED.turn_start_params_jsonb,
           dispatched_at_ms = EXCLUDED.dispatched_at_ms
   ),
   pruned AS (
     DELETE FROM thread_dispatched_client_ids
     WHERE thread_id = $1 AND dispatched_at_ms < $4
       AND client_user_message_id NOT IN (SELECT client_user_message_id FROM removed WHERE client_user_message_id IS NOT NULL)
       AND EXISTS (SELECT 1 FROM removed WHERE client_user_message_id IS NOT NULL)
   )
   SELECT COUNT(*)::int AS removed FROM removed`,
);

export async function removeDispatchingQueuedTurn({ db, now, dedupeRetentionMs = DEFAULT_DEDUPE_RETENTION_MS }: OpContext, threadId: string, turnId: string): Promise<boolean> {
  if (!(await lockThread(db, threadId))) return false;
  const at = now();
  const row = (await run<{ removed: number }>(db, DELETE, [threadId, turnId, at, at - dedupeRetentionMs])).rows[0];
  return (row?.removed ?? 0) > 0;
}
