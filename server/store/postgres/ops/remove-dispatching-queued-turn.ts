import { lockThread } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";

/**
 * Called when a turn of the thread starts. Keyed by the turn id recorded at dispatch, so a direct
 * turn/start (or a claim whose turn id is not yet recorded) never removes the queued row.
 */
const DELETE = statement(
  "remove_dispatching_queued_turn",
  `DELETE FROM thread_queued_turns
   WHERE thread_id = $1 AND state = 'dispatching' AND dispatch_turn_id = $2`,
);

export async function removeDispatchingQueuedTurn({ db }: OpContext, threadId: string, turnId: string): Promise<boolean> {
  if (!(await lockThread(db, threadId))) return false;
  return ((await run(db, DELETE, [threadId, turnId])).rowCount ?? 0) > 0;
}
