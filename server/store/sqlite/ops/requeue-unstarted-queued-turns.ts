import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/** A claim the dispatcher never learnt of goes back to the queue, in its place (see QueueStore). */
export function prepareRequeueUnstartedQueuedTurns(
  { db, now }: OpContext,
  bumpVersion: BumpQueueVersion,
): (threadId: string, unstartedTurnIds: readonly string[]) => number {
  const update = db.prepare<{ now: number; threadId: string; turnIds: string }>(`
    UPDATE thread_queued_turns SET state = 'pending', updated_at_ms = @now
    WHERE thread_id = @threadId AND state = 'dispatching'
      AND (dispatch_turn_id IS NULL OR dispatch_turn_id IN (SELECT value FROM json_each(@turnIds)))`);
  return (threadId, unstartedTurnIds) => {
    const requeued = update.run({ now: now(), threadId, turnIds: JSON.stringify(unstartedTurnIds) }).changes;
    if (requeued > 0) bumpVersion(threadId);
    return requeued;
  };
}
