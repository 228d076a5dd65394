import { failureJsonWrite } from "./mark-queued-turn-failed.js";
import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/**
 * Restart recovery: a dispatching row found when its thread is resumed lost its dispatcher, and
 * whether its turn ran is unknown, so it is failed (visible, blocking) rather than re-run.
 */
export function prepareRecoverDispatchingQueuedTurns(
  { db, now }: OpContext,
  bumpVersion: BumpQueueVersion,
): (threadId: string, failureJson: string) => number {
  const update = db.prepare<{ threadId: string; failure: string; now: number }>(`
    UPDATE thread_queued_turns
    SET state = 'failed', failure_jsonb = jsonb(@failure), updated_at_ms = @now
    WHERE thread_id = @threadId AND state = 'dispatching'`);
  return (threadId, failureJson) =>
    failureJsonWrite(() => {
      const recovered = update.run({ threadId, failure: failureJson, now: now() }).changes;
      if (recovered > 0) bumpVersion(threadId);
      return recovered;
    });
}
