import { QueueStoreError, type QueuedTurnRecord, type QueuedTurnsPage, type QueuedTurnsPageRequest } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import { run, statement, type OpContext } from "./op-context.js";

/** Below every stored queue_order (appends start at 0; reorders reuse existing values). */
const BEFORE_FIRST = Number.MIN_SAFE_INTEGER;

/**
 * Keyset pagination on UNIQUE(thread_id, queue_order): a deep page costs the same as the
 * first. `LIMIT NULL` is PostgreSQL's "no limit".
 */
const SELECT = statement(
  "list_visible_queued_turns",
  `SELECT ${QUEUED_TURN_COLUMNS}
   FROM thread_queued_turns
   WHERE thread_id = $1
     AND queue_order > $2::bigint
     AND state IN ${VISIBLE_STATES_SQL}
   ORDER BY queue_order ASC
   LIMIT $3::bigint`,
);

async function select(db: OpContext["db"], threadId: string, afterOrder: number, limit: number | null): Promise<QueuedTurnRecord[]> {
  return (await run<QueuedTurnRow>(db, SELECT, [threadId, afterOrder, limit])).rows.map(toQueuedTurnRecord);
}

export function listVisibleQueuedTurns({ db }: OpContext, threadId: string): Promise<QueuedTurnRecord[]> {
  return select(db, threadId, BEFORE_FIRST, null);
}

export async function listVisibleQueuedTurnsPage(
  { db }: OpContext,
  threadId: string,
  { afterOrder, limit }: QueuedTurnsPageRequest,
): Promise<QueuedTurnsPage> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new QueueStoreError("invalid_argument", `page limit must be a positive integer, got ${limit}`);
  }
  if (afterOrder != null && !Number.isSafeInteger(afterOrder)) {
    throw new QueueStoreError("invalid_argument", `page position must be an integer, got ${afterOrder}`);
  }
  // One row more than asked tells whether another page exists without a COUNT.
  const rows = await select(db, threadId, afterOrder ?? BEFORE_FIRST, limit + 1);
  const hasMore = rows.length > limit;
  if (hasMore) rows.length = limit;
  return { rows, hasMore };
}
