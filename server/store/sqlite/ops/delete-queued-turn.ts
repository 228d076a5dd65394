import { VISIBLE_STATES_SQL } from "../../rows.js";
import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/** Only visible rows of the named thread: a dispatching row is owned by the dispatcher. */
export function prepareDeleteQueuedTurn({ db }: OpContext, bumpVersion: BumpQueueVersion): (threadId: string, queuedTurnId: string) => boolean {
  const remove = db.prepare<[string, string]>(`
    DELETE FROM thread_queued_turns
    WHERE thread_id = ? AND queued_turn_id = ? AND state IN ${VISIBLE_STATES_SQL}`);
  return (threadId, queuedTurnId) => {
    if (remove.run(threadId, queuedTurnId).changes === 0) return false;
    bumpVersion(threadId);
    return true;
  };
}
