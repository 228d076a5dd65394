import { QueueStoreError, REORDER_MISMATCH_MESSAGE, type QueuedTurnRecord } from "../../queue-store.js";
import { VISIBLE_STATES_SQL } from "../../rows.js";
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
 */
export function prepareReorderQueuedTurns(
  { db, now }: OpContext,
  list: ListVisibleQueuedTurns,
  bumpVersion: BumpQueueVersion,
): ReorderQueuedTurns {
  const visible = db.prepare<[string], { queued_turn_id: string; queue_order: number }>(`
    SELECT queued_turn_id, queue_order FROM thread_queued_turns
    WHERE thread_id = ? AND state IN ${VISIBLE_STATES_SQL}
    ORDER BY queue_order ASC`);
  const moveAside = db.prepare<[string]>(`
    UPDATE thread_queued_turns SET queue_order = -1 - queue_order
    WHERE thread_id = ? AND state IN ${VISIBLE_STATES_SQL}`);
  // @placements is a JSON array of [queued_turn_id, queue_order] pairs.
  const place = db.prepare<{ threadId: string; placements: string; now: number }>(`
    UPDATE thread_queued_turns
    SET queue_order = placement.queue_order, updated_at_ms = @now
    FROM (
      SELECT value ->> 0 AS queued_turn_id, value ->> 1 AS queue_order FROM json_each(@placements)
    ) AS placement
    WHERE thread_queued_turns.queued_turn_id = placement.queued_turn_id
      AND thread_queued_turns.thread_id = @threadId
      AND thread_queued_turns.state IN ${VISIBLE_STATES_SQL}`);

  return (threadId, queuedTurnIds) => {
    const current = visible.all(threadId);
    if (!isPermutationOf(queuedTurnIds, current.map((row) => row.queued_turn_id))) {
      throw new QueueStoreError("reorder_mismatch", REORDER_MISMATCH_MESSAGE);
    }
    const placements = queuedTurnIds.map((id, index) => [id, current[index]?.queue_order]);
    moveAside.run(threadId);
    const placed = place.run({ threadId, placements: JSON.stringify(placements), now: now() }).changes;
    if (placed !== current.length) {
      throw new Error(`reorder placed ${placed} of ${current.length} queued turns`);
    }
    bumpVersion(threadId);
    return list.all(threadId);
  };
}

function isPermutationOf(requested: readonly string[], visibleIds: readonly string[]): boolean {
  if (requested.length !== visibleIds.length) return false;
  const remaining = new Set(visibleIds);
  return requested.every((id) => remaining.delete(id));
}
