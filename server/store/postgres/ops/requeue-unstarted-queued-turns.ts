import { lockThread } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/** A claim the dispatcher never learnt of goes back to the queue, in its place (see QueueStore). */
const UPDATE = statement(
  "requeue_unstarted_queued_turns",
  `UPDATE thread_queued_turns SET state = 'pending', updated_at_ms = $2
   WHERE thread_id = $1 AND state = 'dispatching'
     AND (dispatch_turn_id IS NULL OR dispatch_turn_id = ANY($3::text[]))`,
);

export async function requeueUnstartedQueuedTurns(context: OpContext, threadId: string, unstartedTurnIds: readonly string[]): Promise<number> {
  const { db, now } = context;
  if (!(await lockThread(db, threadId))) return 0;
  const requeued = (await run(db, UPDATE, [threadId, now(), [...unstartedTurnIds]])).rowCount ?? 0;
  if (requeued > 0) await bumpQueueVersion(context, threadId);
  return requeued;
}
