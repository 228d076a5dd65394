import { QueueStoreError } from "../../queue-store.js";
import { isMalformedJsonError, type OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

/** dispatching → failed. The row keeps its queue_order, so as head it blocks the queue (FIFO). */
export function prepareMarkQueuedTurnFailed(
  { db, now }: OpContext,
  bumpVersion: BumpQueueVersion,
): (queuedTurnId: string, failureJson: string) => boolean {
  const update = db.prepare<{ queuedTurnId: string; failure: string; now: number }, { thread_id: string }>(`
    UPDATE thread_queued_turns
    SET state = 'failed', failure_jsonb = jsonb(@failure), updated_at_ms = @now
    WHERE queued_turn_id = @queuedTurnId AND state = 'dispatching'
    RETURNING thread_id`);
  return (queuedTurnId, failureJson) =>
    failureJsonWrite(() => {
      const row = update.get({ queuedTurnId, failure: failureJson, now: now() });
      if (!row) return false;
      bumpVersion(row.thread_id);
      return true;
    });
}

/** Maps jsonb()'s rejection of a failure payload to the typed error. */
export function failureJsonWrite<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isMalformedJsonError(error)) {
      throw new QueueStoreError("invalid_json", "failure is not valid JSON", { cause: error });
    }
    throw error;
  }
}
