import { QueueStoreError, type QueuedTurnRecord, type QueuedTurnsPage, type QueuedTurnsPageRequest } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import type { OpContext } from "./op-context.js";

export interface ListVisibleQueuedTurns {
  all(threadId: string): QueuedTurnRecord[];
  page(threadId: string, request: QueuedTurnsPageRequest): QueuedTurnsPage;
}

/** Below every stored queue_order (appends start at 0; reorders reuse existing values). */
const BEFORE_FIRST = Number.MIN_SAFE_INTEGER;

/**
 * Keyset pagination. The unary `+` keeps the state test out of index selection, so SQLite walks
 * the UNIQUE(thread_id, queue_order) index from the cursor in order and stops after `limit`
 * rows — skipping at most the one dispatching row — instead of sorting the tail of the queue.
 */
export function prepareListVisibleQueuedTurns({ db }: OpContext): ListVisibleQueuedTurns {
  const select = db.prepare<[string, number, number], QueuedTurnRow>(`
    SELECT ${QUEUED_TURN_COLUMNS}
    FROM thread_queued_turns
    WHERE thread_id = ?
      AND queue_order > ?
      AND +state IN ${VISIBLE_STATES_SQL}
    ORDER BY queue_order ASC
    LIMIT ?`);

  return {
    // LIMIT -1 is SQLite's "no limit".
    all: (threadId) => select.all(threadId, BEFORE_FIRST, -1).map(toQueuedTurnRecord),
    page: (threadId, { afterOrder, limit }) => {
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new QueueStoreError("invalid_argument", `page limit must be a positive integer, got ${limit}`);
      }
      if (afterOrder != null && !Number.isSafeInteger(afterOrder)) {
        throw new QueueStoreError("invalid_argument", `page position must be an integer, got ${afterOrder}`);
      }
      // One row more than asked tells whether another page exists without a COUNT.
      const rows = select.all(threadId, afterOrder ?? BEFORE_FIRST, limit + 1).map(toQueuedTurnRecord);
      const hasMore = rows.length > limit;
      if (hasMore) rows.length = limit;
      return { rows, hasMore };
    },
  };
}
