import type { OpContext } from "./op-context.js";

/**
 * Called when a turn of the thread starts. Keyed by the turn id recorded at dispatch, so a direct
 * turn/start (or a claim whose turn id is not yet recorded) never removes the queued row.
 */
export function prepareRemoveDispatchingQueuedTurn({ db }: OpContext): (threadId: string, turnId: string) => boolean {
  const remove = db.prepare<[string, string]>(`
    DELETE FROM thread_queued_turns
    WHERE thread_id = ? AND state = 'dispatching' AND dispatch_turn_id = ?`);
  return (threadId, turnId) => remove.run(threadId, turnId).changes > 0;
}
