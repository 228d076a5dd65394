import { lockThreadOfQueuedTurn } from "./lock-thread.js";
import { run, statement, withJsonInput, type OpContext } from "./op-context.js";

/** dispatching → failed. The row keeps its queue_order, so as head it blocks the queue (FIFO). */
const UPDATE = statement(
  "mark_queued_turn_failed",
  `UPDATE thread_queued_turns
   SET state = 'failed', failure_jsonb = $2::jsonb, updated_at_ms = $3
   WHERE queued_turn_id = $1 AND state = 'dispatching'`,
);

export async function markQueuedTurnFailed({ db, now }: OpContext, queuedTurnId: string, failureJson: string): Promise<boolean> {
  if (!(await lockThreadOfQueuedTurn(db, queuedTurnId))) return false;
  const result = await withJsonInput("failure", () => run(db, UPDATE, [queuedTurnId, failureJson, now()]));
  return (result.rowCount ?? 0) > 0;
}
