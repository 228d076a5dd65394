import { VISIBLE_STATES_SQL } from "../../rows.js";
import { lockThread } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/** Only visible rows of the named thread: a dispatching row is owned by the dispatcher. */
const DELETE = statement(
  "delete_queued_turn",
  `DELETE FROM thread_queued_turns
   WHERE thread_id = $1 AND queued_turn_id = $2 AND state IN ${VISIBLE_STATES_SQL}`,
);

export async function deleteQueuedTurn(context: OpContext, threadId: string, queuedTurnId: string): Promise<boolean> {
  const { db } = context;
  if (!(await lockThread(db, threadId))) return false;
  if (((await run(db, DELETE, [threadId, queuedTurnId])).rowCount ?? 0) === 0) return false;
  await bumpQueueVersion(context, threadId);
  return true;
}
