import { v7 as uuidv7 } from "uuid";
import { ClientIdConflictError, DEFAULT_DEDUPE_RETENTION_MS, QueueStoreError, QueueTooLargeError, type AppendedQueuedTurn, type AppendQueuedTurnOptions } from "../../queue-store.js";
import { positiveLimitOrNull } from "../../store-limits.js";
import { QUEUED_TURN_COLUMNS } from "../columns.js";
import { toQueuedTurnRecord, type QueuedTurnRow } from "../../rows.js";
import { lockThread } from "./lock-thread.js";
import { run, statement, withJsonInput, type OpContext } from "./op-context.js";
import { noteBumpedVersion, QUEUE_CHANGED_CHANNEL, withQueueVersionBump, type WithBumpedVersion } from "./queue-version.js";

/**
 * Under the thread's lock, so MAX(queue_order) + 1 cannot be taken by another instance between
 * this read and the insert. MAX is one probe of UNIQUE(thread_id, queue_order). The length
 * limit first compares the span MAX − MIN + 1 (two more probes; positions are unique, so the
 * row count is at most the span) and counts rows — stopping at the limit — only when the span
 * reaches it (as SQLite does): counting first cost O(queue length) per append, ~2,400 → 1,200
 * adds/s over 6,000 rows. The OR's later arms are initplans, run only when reached. The version
 * bump and its NOTIFY ride in the same statement. No row inserted means the queue is full. The
 * byte limit is one lookup of `threads.queue_bytes`, which a trigger keeps (migration 0006).
 */
/** Only after a refusal: which limit refused it. */
const BYTES_NEEDED = statement(
  "append_queued_turn_bytes_needed",
  "SELECT (SELECT queue_bytes FROM threads WHERE id = $1) AS held, octet_length($2::jsonb::text)::bigint AS row",
);

const INSERT = statement(
  "append_queued_turn",
  withQueueVersionBump(
    `INSERT INTO thread_queued_turns (
     queued_turn_id, thread_id, turn_start_params_jsonb, queue_order, state,
     dispatch_turn_id, failure_jsonb, created_at_ms, updated_at_ms, client_user_message_id
   )
   SELECT $1, $2, $3::jsonb,
          COALESCE((SELECT MAX(queue_order) FROM thread_queued_turns WHERE thread_id = $2), -1) + 1,
          'pending', NULL, NULL, $5, $5, $9
   WHERE ($4::bigint IS NULL
      OR COALESCE((SELECT MAX(queue_order) FROM thread_queued_turns WHERE thread_id = $2)
                - (SELECT MIN(queue_order) FROM thread_queued_turns WHERE thread_id = $2) + 1, 0) < $4::bigint
      OR (SELECT COUNT(*) FROM (
            SELECT 1 FROM thread_queued_turns WHERE thread_id = $2 LIMIT $4::bigint
          ) AS counted) < $4::bigint)
     AND ($8::bigint IS NULL
      OR COALESCE((SELECT queue_bytes FROM threads WHERE id = $2), 0) + octet_length($3::jsonb::text) <= $8::bigint)
   RETURNING ${QUEUED_TURN_COLUMNS}`,
    "$2",
    "$6",
    "$7",
  ),
);

/**
 * An append with a `clientUserMessageId` first looks for the row it names, under the same
 * thread lock: still stored (any state), or dispatched within the retention window. `same` is
 * jsonb equality, so key order and spacing of the params do not matter.
 */
const REPLAY = statement(
  "append_queued_turn_replay",
  `SELECT 'stored' AS source, ${QUEUED_TURN_COLUMNS}, turn_start_params_jsonb = $3::jsonb AS same
   FROM thread_queued_turns
   WHERE thread_id = $1 AND client_user_message_id = $2
   UNION ALL
   SELECT 'dispatched', queued_turn_id, thread_id, turn_start_params_jsonb, -1, 'dispatching', NULL, NULL,
          dispatched_at_ms, dispatched_at_ms, client_user_message_id, turn_start_params_jsonb = $3::jsonb
   FROM thread_dispatched_client_ids
   WHERE thread_id = $1 AND client_user_message_id = $2 AND dispatched_at_ms >= $4`,
);

type ReplayRow = QueuedTurnRow & { source: "stored" | "dispatched"; same: boolean };

export async function appendQueuedTurn(
  context: OpContext,
  threadId: string,
  turnStartParamsJson: string,
  options: AppendQueuedTurnOptions = {},
): Promise<AppendedQueuedTurn> {
  const { db, now } = context;
  const clientId = options.clientUserMessageId ?? null;
  const maxRows = positiveLimitOrNull("maxQueueLength", options.maxQueueLength);
  const maxBytes = positiveLimitOrNull("maxQueueBytes", options.maxQueueBytes);
  if (!(await lockThread(db, threadId))) {
    throw new QueueStoreError("thread_not_found", `thread not found: ${threadId}`);
  }
  if (clientId !== null) {
    const found = (
      await withJsonInput("turn start params", () =>
        run<ReplayRow>(db, REPLAY, [threadId, clientId, turnStartParamsJson, now() - (context.dedupeRetentionMs ?? DEFAULT_DEDUPE_RETENTION_MS)]),
      )
    ).rows[0];
    if (found !== undefined) {
      if (!found.same) throw new ClientIdConflictError(threadId, clientId, found.queued_turn_id);
      return { ...toQueuedTurnRecord(found), replayed: found.source };
    }
  }
  const { rows } = await withJsonInput("turn start params", () =>
    run<WithBumpedVersion<QueuedTurnRow>>(db, INSERT, [uuidv7(), threadId, turnStartParamsJson, maxRows, now(), QUEUE_CHANGED_CHANNEL, context.origin, maxBytes, clientId]),
  );
  const row = rows[0];
  if (!row) {
    if (maxBytes !== null) {
      const needed = (await run<{ held: number | null; row: number }>(db, BYTES_NEEDED, [threadId, turnStartParamsJson])).rows[0];
      if (needed !== undefined && (needed.held ?? 0) + needed.row > maxBytes) throw new QueueTooLargeError(needed.held ?? 0, needed.row, maxBytes, threadId);
    }
    throw new QueueStoreError("queue_full", `thread queue is full (${maxRows} queued turns): ${threadId}`);
  }
  noteBumpedVersion(context, row);
  return toQueuedTurnRecord(row);
}
