import { QueueStoreError, type QueuedTurnRecord, type QueuedTurnsPage, type QueuedTurnsPageRequest } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, type QueuedTurnRow } from "../../rows.js";
import { checkPageBudget, rowsThatFit, type SizedPosition } from "../../store-limits.js";
import type { OpContext } from "./op-context.js";

export interface ListVisibleQueuedTurns {
  all(threadId: string): QueuedTurnRecord[];
  page(threadId: string, request: QueuedTurnsPageRequest): QueuedTurnsPage;
}

/** Below every stored queue_order (appends start at 0; reorders reuse existing values). */
const BEFORE_FIRST = Number.MIN_SAFE_INTEGER;

/**
 * Keyset pagination on UNIQUE(thread_id, queue_order): SQLite walks that index from the cursor
 * in order and stops after `limit` rows instead of sorting the tail of the queue. Visible means
 * "not the thread's one dispatching row", whose rowid comes from the partial index on
 * dispatching rows — the state column is never read: it is stored after the params, so reading
 * it walks a large row's whole overflow chain (a list of 1 MB rows spent 100 ms per page there).
 */
const VISIBLE_ROWS = `
    FROM thread_queued_turns
    WHERE thread_id = @threadId
      AND queue_order > @after
      AND rowid IS NOT (SELECT rowid FROM thread_queued_turns WHERE thread_id = @threadId AND state = 'dispatching')
    ORDER BY queue_order ASC
    LIMIT @limit`;

interface Position {
  threadId: string;
  after: number;
  limit: number;
}

export function prepareListVisibleQueuedTurns({ db }: OpContext): ListVisibleQueuedTurns {
  const select = db.prepare<Position, QueuedTurnRow>(`SELECT ${QUEUED_TURN_COLUMNS} ${VISIBLE_ROWS}`);
  // length() of a BLOB reads its size from the record header, not the (overflow) pages.
  const sizes = db.prepare<Position, SizedPosition>(`SELECT queue_order AS queueOrder, length(turn_start_params_jsonb) AS bytes ${VISIBLE_ROWS}`);
  // Sizes first, then only the rows that fit: a row past the budget is never loaded.
  const budgetedPage = db.transaction((threadId: string, after: number, limit: number, maxBytes: number | undefined): QueuedTurnsPage => {
    const next = sizes.all({ threadId, after, limit: limit + 1 });
    const taken = rowsThatFit(next, limit, maxBytes);
    const rows = taken === 0 ? [] : select.all({ threadId, after, limit: taken }).map(toQueuedTurnRecord);
    return { rows, hasMore: next.length > taken };
  });

  return {
    // LIMIT -1 is SQLite's "no limit".
    all: (threadId) => select.all({ threadId, after: BEFORE_FIRST, limit: -1 }).map(toQueuedTurnRecord),
    page: (threadId, { afterOrder, limit, maxBytes }) => {
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new QueueStoreError("invalid_argument", `page limit must be a positive integer, got ${limit}`);
      }
      if (afterOrder != null && !Number.isSafeInteger(afterOrder)) {
        throw new QueueStoreError("invalid_argument", `page position must be an integer, got ${afterOrder}`);
      }
      checkPageBudget(maxBytes);
      // One row more than asked tells whether another page exists without a COUNT.
      return budgetedPage(threadId, afterOrder ?? BEFORE_FIRST, limit, maxBytes);
    },
  };
}
