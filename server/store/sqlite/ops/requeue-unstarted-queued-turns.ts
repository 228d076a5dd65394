import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/** A claim the dispatcher never learnt of goes back to the queue, in its place (see QueueStore). */
export function prepareRequeueUnstartedQueuedTurns({ db, now }: OpContext, bumpVersion: BumpQueueVersion): (threadId: string) => number {
  const update = db.prepare<[number, string]>(`
    UPDATE thread_queued_turns SET state = 'pending', updated_at_ms = ?
    WHERE thread_id = ? AND state = 'dispatching' AND dispatch_turn_id IS NULL`);
  return (threadId) => {
    const requeued = update.run(now(), threadId).changes;
    if (requeued > 0) bumpVersion(threadId);
    return requeued;
  };
}
