import { QueueStoreError, REORDER_MISMATCH_MESSAGE, type QueuedTurnRecord } from "../../queue-store.js";
import type { ListVisibleQueuedTurns } from "./list-visible-queued-turns.js";
import type { OpContext } from "./op-context.js";
import type { BumpQueueVersion } from "./queue-version.js";

export type ReorderQueuedTurns = (threadId: string, queuedTurnIds: readonly string[]) => QueuedTurnRecord[];

/**
 * The visible rows keep the set of positions they already hold, handed out in the requested
 * order; the dispatching row's position is not in that set, so it keeps its place. UNIQUE
 * (thread_id, queue_order) is checked row by row, so the rows are first moved to distinct
 * negative positions (appends never produce negatives) and then to their final ones.
 * Runs inside the caller's transaction (the batcher's savepoint).
 *
 * Each row is placed by its primary key: O(N log N). Placing them all with one UPDATE … FROM
 * json_each(placements) made SQLite scan the placements once per row — O(N²), 23 s for 10,000
 * rows with the event loop blocked. Visible means "not the dispatching row" (its rowid from the
 * partial index), so the state column, stored past the params, is never read.
 */
export function prepareReorderQueuedTurns(
  { db, now }: OpContext,
  list: ListVisibleQueuedTurns,
  bumpVersion: BumpQueueVersion,
): ReorderQueuedTurns {
  const visible = db.prepare<{ threadId: string }, { queued_turn_id: string; queue_order: number }>(`
    SELECT queued_turn_id, queue_order FROM thread_queued_turns
    WHERE thread_id = @threadId AND ${NOT_DISPATCHING}
    ORDER BY queue_order ASC`);
  const moveAside = db.prepare<{ threadId: string }>(`
    UPDATE thread_queued_turns SET queue_order = -1 - queue_order
    WHERE thread_id = @threadId AND ${NOT_DISPATCHING}`);
  const place = db.prepare<{ id: string; threadId: string; order: number; now: number }>(`
    UPDATE thread_queued_turns SET queue_order = @order, updated_at_ms = @now
    WHERE queued_turn_id = @id AND thread_id = @threadId`);

  return (threadId, queuedTurnIds) => {
    const current = visible.all({ threadId });
    if (!isPermutationOf(queuedTurnIds, current.map((row) => row.queued_turn_id))) {
      throw new QueueStoreError("reorder_mismatch", REORDER_MISMATCH_MESSAGE);
    }
    moveAside.run({ threadId });
    const at = now();
    let placed = 0;
    queuedTurnIds.forEach((id, index) => {
      placed += place.run({ id, threadId, order: current[index]?.queue_order ?? 0, now: at }).changes;
    });
    if (placed !== current.length) {
      throw new Error(`reorder placed ${placed} of ${current.length} queued turns`);
    }
    bumpVersion(threadId);
    return list.all(threadId);
  };
}

/** Every row of the thread but its dispatching one (at most one: a partial unique index). */
const NOT_DISPATCHING = "rowid IS NOT (SELECT rowid FROM thread_queued_turns WHERE thread_id = @threadId AND state = 'dispatching')";

function isPermutationOf(requested: readonly string[], visibleIds: readonly string[]): boolean {
  if (requested.length !== visibleIds.length) return false;
  const remaining = new Set(visibleIds);
  return requested.every((id) => remaining.delete(id));
}
