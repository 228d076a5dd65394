import { QueueStoreError, REORDER_MISMATCH_MESSAGE, type QueuedTurnRecord } from "../../queue-store.js";
import { VISIBLE_STATES_SQL } from "../../rows.js";
import { listVisibleQueuedTurns } from "./list-visible-queued-turns.js";
import { lockThread } from "./lock-thread.js";
import { run, statement, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/**
 * The visible rows keep the set of positions they already hold, handed out in the requested
 * order; the dispatching row's position is not in that set, so it keeps its place. PostgreSQL
 * checks UNIQUE(thread_id, queue_order) row by row, so the rows are first moved to distinct
 * negative positions (appends never produce negatives) and then to their final ones — all
 * under the thread's lock, so no append or claim of another instance sees the middle state.
 */
const VISIBLE = statement(
  "reorder_visible",
  `SELECT queued_turn_id, queue_order FROM thread_queued_turns
   WHERE thread_id = $1 AND state IN ${VISIBLE_STATES_SQL}
   ORDER BY queue_order ASC`,
);
const MOVE_ASIDE = statement(
  "reorder_move_aside",
  `UPDATE thread_queued_turns SET queue_order = -1 - queue_order
   WHERE thread_id = $1 AND state IN ${VISIBLE_STATES_SQL}`,
);
const PLACE = statement(
  "reorder_place",
  `UPDATE thread_queued_turns
   SET queue_order = placement.queue_order, updated_at_ms = $4
   FROM unnest($2::text[], $3::bigint[]) AS placement(queued_turn_id, queue_order)
   WHERE thread_queued_turns.queued_turn_id = placement.queued_turn_id
     AND thread_queued_turns.thread_id = $1
     AND thread_queued_turns.state IN ${VISIBLE_STATES_SQL}`,
);

export async function reorderQueuedTurns(
  context: OpContext,
  threadId: string,
  queuedTurnIds: readonly string[],
): Promise<QueuedTurnRecord[]> {
  const { db, now } = context;
  await lockThread(db, threadId);
  const current = (await run<{ queued_turn_id: string; queue_order: number }>(db, VISIBLE, [threadId])).rows;
  if (!isPermutationOf(queuedTurnIds, current.map((row) => row.queued_turn_id))) {
    throw new QueueStoreError("reorder_mismatch", REORDER_MISMATCH_MESSAGE);
  }
  await run(db, MOVE_ASIDE, [threadId]);
  const orders = current.map((row) => row.queue_order);
  const placed = (await run(db, PLACE, [threadId, [...queuedTurnIds], orders, now()])).rowCount ?? 0;
  if (placed !== current.length) {
    throw new Error(`reorder placed ${placed} of ${current.length} queued turns`);
  }
  await bumpQueueVersion(context, threadId);
  return listVisibleQueuedTurns(context, threadId);
}

function isPermutationOf(requested: readonly string[], visibleIds: readonly string[]): boolean {
  if (requested.length !== visibleIds.length) return false;
  const remaining = new Set(visibleIds);
  return requested.every((id) => remaining.delete(id));
}
