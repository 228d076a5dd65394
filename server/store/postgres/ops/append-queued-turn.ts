import { v7 as uuidv7 } from "uuid";
import { QueueStoreError, type AppendQueuedTurnOptions, type QueuedTurnRecord } from "../../queue-store.js";
import { QUEUED_TURN_COLUMNS, toQueuedTurnRecord, type QueuedTurnRow } from "../rows.js";
import { lockThread } from "./lock-thread.js";
import { run, statement, withJsonInput, type OpContext } from "./op-context.js";
import { bumpQueueVersion } from "./queue-version.js";

/**
 * Under the thread's lock, so MAX(queue_order) + 1 cannot be taken by another instance between
 * this read and the insert. MAX is one probe of UNIQUE(thread_id, queue_order) and the count
 * stops at the limit, so an append costs the same on a long queue as on an empty one.
 * No row inserted means the queue is full.
 */
const INSERT = statement(
  "append_queued_turn",
  `INSERT INTO thread_queued_turns (
     queued_turn_id, thread_id, turn_start_params_jsonb, queue_order, state,
     dispatch_turn_id, failure_jsonb, created_at_ms, updated_at_ms
   )
   SELECT $1, $2, $3::jsonb,
          COALESCE((SELECT MAX(queue_order) FROM thread_queued_turns WHERE thread_id = $2), -1) + 1,
          'pending', NULL, NULL, $5, $5
   WHERE $4::bigint IS NULL
      OR (SELECT COUNT(*) FROM (
            SELECT 1 FROM thread_queued_turns WHERE thread_id = $2 LIMIT $4::bigint
          ) AS counted) < $4::bigint
   RETURNING ${QUEUED_TURN_COLUMNS}`,
);

export async function appendQueuedTurn(
  context: OpContext,
  threadId: string,
  turnStartParamsJson: string,
  options: AppendQueuedTurnOptions = {},
): Promise<QueuedTurnRecord> {
  const { db, now } = context;
  const maxRows = options.maxQueueLength ?? null;
  if (maxRows !== null && (!Number.isSafeInteger(maxRows) || maxRows < 1)) {
    throw new QueueStoreError("invalid_argument", `maxQueueLength must be a positive integer, got ${maxRows}`);
  }
  if (!(await lockThread(db, threadId))) {
    throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
  }
  const { rows } = await withJsonInput("turn start params", () =>
    run<QueuedTurnRow>(db, INSERT, [uuidv7(), threadId, turnStartParamsJson, maxRows, now()]),
  );
  const row = rows[0];
  if (!row) throw new QueueStoreError("queue_full", `thread queue is full (${maxRows} queued turns): ${threadId}`);
  await bumpQueueVersion(context, threadId);
  return toQueuedTurnRecord(row);
}
