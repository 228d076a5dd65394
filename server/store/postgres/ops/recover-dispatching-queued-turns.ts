import { lockThread } from "./lock-thread.js";
import { run, statement, withJsonInput, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/**
 * Restart recovery: a dispatching row found when its thread is resumed lost its dispatcher, and
 * whether its turn ran is unknown, so it is failed (visible, blocking) rather than re-run.
 */
const UPDATE = statement(
  "recover_dispatching_queued_turns",
  `UPDATE thread_queued_turns
   SET state = 'failed', failure_jsonb = $2::jsonb, updated_at_ms = $3
   WHERE thread_id = $1 AND state = 'dispatching'`,
);

export async function recoverDispatchingQueuedTurns(context: OpContext, threadId: string, failureJson: string): Promise<number> {
  const { db, now } = context;
  if (!(await lockThread(db, threadId))) return 0;
  const recovered = (await withJsonInput("failure", () => run(db, UPDATE, [threadId, failureJson, now()]))).rowCount ?? 0;
  if (recovered > 0) await bumpQueueVersion(context, threadId);
  return recovered;
}
