import { lockThreadOfQueuedTurn } from "./lock-thread.js";
import { run, statement, withJsonInput, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/** dispatching → failed. The row keeps its queue_order, so as head it blocks the queue (FIFO). */
const UPDATE = statement(
  "mark_queued_turn_failed",
  `UPDATE thread_queued_turns
   SET state = 'failed', failure_jsonb = $2::jsonb, updated_at_ms = $3
   WHERE queued_turn_id = $1 AND state = 'dispatching'
   RETURNING thread_id`,
);

export async function markQueuedTurnFailed(context: OpContext, queuedTurnId: string, failureJson: string): Promise<boolean> {
  const { db, now } = context;
  if (!(await lockThreadOfQueuedTurn(db, queuedTurnId))) return false;
  const result = await withJsonInput("failure", () => run<{ thread_id: string }>(db, UPDATE, [queuedTurnId, failureJson, now()]));
  const row = result.rows[0];
  if (!row) return false;
  await bumpQueueVersion(context, row.thread_id);
  return true;
}
