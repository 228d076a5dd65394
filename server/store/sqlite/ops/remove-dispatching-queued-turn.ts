import { DEFAULT_DEDUPE_RETENTION_MS } from "../../queue-store.js";
import type { OpContext } from "./op-context.js";

/**
 * Called when a turn of the thread starts. Keyed by the turn id recorded at dispatch, so a direct
 * turn/start (or a claim whose turn id is not yet recorded) never removes the queued row.
 *
 * A removed row that carried a `clientUserMessageId` leaves it in `thread_dispatched_client_ids`,
 * so that a retried add within the retention window finds it and runs nothing; the thread's
 * entries older than the window go at the same time.
 */
export function prepareRemoveDispatchingQueuedTurn({ db, now, dedupeRetentionMs = DEFAULT_DEDUPE_RETENTION_MS }: OpContext): (threadId: string, turnId: string) => boolean {
  const remove = db.prepare<[string, string], { queued_turn_id: string; client_user_message_id: string | null; params: Buffer }>(`
    DELETE FROM thread_queued_turns
    WHERE thread_id = ? AND state = 'dispatching' AND dispatch_turn_id = ?
    RETURNING queued_turn_id, client_user_message_id, turn_start_params_jsonb AS params`);
  const prune = db.prepare<[string, number]>("DELETE FROM thread_dispatched_client_ids WHERE thread_id = ? AND dispatched_at_ms < ?");
  const keep = db.prepare<[string, string, string, Buffer, number]>(`
    INSERT INTO thread_dispatched_client_ids (thread_id, client_user_message_id, queued_turn_id, turn_start_params_jsonb, dispatched_at_ms)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (thread_id, client_user_message_id) DO UPDATE
      SET queued_turn_id = excluded.queued_turn_id,
          turn_start_params_jsonb = excluded.turn_start_params_jsonb,
          dispatched_at_ms = excluded.dispatched_at_ms`);
  return (threadId, turnId) => {
    const removed = remove.get(threadId, turnId);
    if (removed === undefined) return false;
    if (removed.client_user_message_id !== null) {
      const at = now();
      prune.run(threadId, at - dedupeRetentionMs);
      keep.run(threadId, removed.client_user_message_id, removed.queued_turn_id, removed.params, at);
    }
    return true;
  };
}
