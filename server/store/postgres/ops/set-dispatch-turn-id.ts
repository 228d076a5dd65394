import { lockThreadOfQueuedTurn } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";

/** Remembers which started turn belongs to the claim, so only that turn's start clears it. */
const UPDATE = statement(
  "set_dispatch_turn_id",
  `UPDATE thread_queued_turns
   SET dispatch_turn_id = $2, updated_at_ms = $3
   WHERE queued_turn_id = $1 AND state = 'dispatching'`,
);

export async function setDispatchTurnId({ db, now }: OpContext, queuedTurnId: string, turnId: string): Promise<boolean> {
  if (!(await lockThreadOfQueuedTurn(db, queuedTurnId))) return false;
  return ((await run(db, UPDATE, [queuedTurnId, turnId, now()])).rowCount ?? 0) > 0;
}
