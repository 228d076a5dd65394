import { QueueStoreError, type QueuedTurnRecord, type QueuedTurnsPage, type QueuedTurnsPageRequest } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import { run, statement, type OpContext } from "./op-context.js";
import { checkPageBudget, rowsThatFit, type SizedPosition } from "../../store-limits.js";

/** Below every stored queue_order (appends start at 0; reorders reuse existing values). */
const BEFORE_FIRST = Number.MIN_SAFE_INTEGER;

/**
 * Keyset pagination on UNIQUE(thread_id, queue_order): a deep page costs the same as the
 * first. `LIMIT NULL` is PostgreSQL's "no limit".
 */
const VISIBLE_ROWS = `FROM thread_queued_turns
   WHERE thread_id = $1
     AND queue_order > $2::bigint
     AND state IN ${VISIBLE_STATES_SQL}
   ORDER BY queue_order ASC
   LIMIT $3::bigint`;

const SELECT = statement("list_visible_queued_turns", `SELECT ${QUEUED_TURN_COLUMNS} ${VISIBLE_ROWS}`);

/** Sizes as the page budget counts them (the params' JSON text, kept per row), without loading the rows. */
const SIZES = statement("list_visible_queued_turn_sizes", `SELECT queue_order AS "queueOrder", turn_start_params_bytes AS bytes ${VISIBLE_ROWS}`);

async function select(db: OpContext["db"], threadId: string, afterOrder: number, limit: number | null): Promise<QueuedTurnRecord[]> {
  return (await run<QueuedTurnRow>(db, SELECT, [threadId, afterOrder, limit])).rows.map(toQueuedTurnRecord);
}

export function listVisibleQueuedTurns({ db }: OpContext, threadId: string): Promise<QueuedTurnRecord[]> {
  return select(db, threadId, BEFORE_FIRST, null);
}

export async function listVisibleQueuedTurnsPage(
  { db }: OpContext,
  threadId: string,
  { afterOrder, limit, maxBytes }: QueuedTurnsPageRequest,
): Promise<QueuedTurnsPage> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new QueueStoreError("invalid_argument", `page limit must be a positive integer, got ${limit}`);
  }
  if (afterOrder != null && !Number.isSafeInteger(afterOrder)) {
    throw new QueueStoreError("invalid_argument", `page position must be an integer, got ${afterOrder}`);
  }
  checkPageBudget(maxBytes);
  const after = afterOrder ?? BEFORE_FIRST;
  if (maxBytes === undefined) {
    // One row more than asked tells whether another page exists without a COUNT.
    const rows = await select(db, threadId, after, limit + 1);
    const hasMore = rows.length > limit;
    if (hasMore) rows.length = limit;
    return { rows, hasMore };
  }
  // Sizes first, then only the rows that fit (the read batch runs in one transaction).
  const next = (await run<SizedPosition>(db, SIZES, [threadId, after, limit + 1])).rows;
  const taken = rowsThatFit(next, limit, maxBytes);
  const rows = taken === 0 ? [] : await select(db, threadId, after, taken);
  return { rows, hasMore: next.length > taken };
}
