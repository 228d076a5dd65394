import { VISIBLE_STATES_SQL } from "../rows.js";
import type { OpContext } from "./op-context.js";

/** Only visible rows of the named thread: a dispatching row is owned by the dispatcher. */
export function prepareDeleteQueuedTurn({ db }: OpContext): (threadId: string, queuedTurnId: string) => boolean {
  const remove = db.prepare<[string, string]>(`
    DELETE FROM thread_queued_turns
    WHERE thread_id = ? AND queued_turn_id = ? AND state IN ${VISIBLE_STATES_SQL}`);
  return (threadId, queuedTurnId) => remove.run(threadId, queuedTurnId).changes > 0;
}
