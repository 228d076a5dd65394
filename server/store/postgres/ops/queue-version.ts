import type { QueueSnapshot } from "../../queue-store.js";
import { toQueuedTurnRecord, VISIBLE_STATES_SQL, type QueuedTurnRow } from "../../rows.js";
import { run, statement, type OpContext } from "./op-context.js";

/** The channel every store of a database notifies and listens on; payloads name the schema. */
export const QUEUE_CHANGED_CHANNEL = "thread_queue_changed";

/**
 * The last statement of every op that changes what `list` shows. It runs under the thread's row
 * lock (versions follow commit order) and queues the notification in the same transaction:
 * PostgreSQL delivers it at COMMIT, and drops it with a rolled-back transaction.
 * The payload is JSON `[schema, origin, threadId, version]`.
 */
const BUMP = statement(
  "bump_queue_version",
  `WITH bumped AS (
     UPDATE threads SET queue_version = queue_version + 1 WHERE id = $1 RETURNING id, queue_version
   )
   SELECT queue_version, pg_notify($2, json_build_array(current_schema(), $3::text, id, queue_version)::text) AS notified
   FROM bumped`,
);

export async function bumpQueueVersion({ db, origin, noteVersion }: OpContext, threadId: string): Promise<void> {
  const row = (await run<{ queue_version: number }>(db, BUMP, [threadId, QUEUE_CHANGED_CHANNEL, origin])).rows[0];
  if (row) noteVersion?.(row.queue_version);
}

/**
 * The same bump inside a hot op's own statement (one round trip instead of two): `changed` is a
 * data-modifying CTE whose RETURNING rows mean "the queue changed"; the result keeps its
 * columns, plus `bumped_queue_version` (pass it to `noteBumpedVersion`). `$channel` and
 * `$origin` are the statement's parameters for the channel and origin.
 */
export function withQueueVersionBump(changeSql: string, threadIdParam: string, channelParam: string, originParam: string): string {
  return `WITH changed AS (${changeSql}),
   bumped AS (
     UPDATE threads SET queue_version = queue_version + 1
     WHERE id = ${threadIdParam} AND EXISTS (SELECT 1 FROM changed)
     RETURNING id, queue_version
   )
   SELECT changed.*, bumped.queue_version AS bumped_queue_version,
          pg_notify(${channelParam}, json_build_array(current_schema(), ${originParam}::text, bumped.id, bumped.queue_version)::text) AS notified
   FROM changed CROSS JOIN bumped`;
}

/** A row of a `withQueueVersionBump` statement. */
export type WithBumpedVersion<Row> = Row & { bumped_queue_version: number };

/** Reports the version a `withQueueVersionBump` statement produced (its first row carries it). */
export function noteBumpedVersion({ noteVersion }: OpContext, row: WithBumpedVersion<object> | undefined): void {
  if (row) noteVersion?.(row.bumped_queue_version);
}

/**
 * One statement, hence one snapshot under READ COMMITTED: the version and the rows belong
 * together. The LEFT JOIN yields the thread's row with NULL columns when its queue is empty.
 */
const SNAPSHOT = statement(
  "read_queue_snapshot",
  `SELECT threads.queue_version,
          q.queued_turn_id, q.thread_id, q.turn_start_params_jsonb AS turn_start_params_json, q.queue_order,
          q.state, q.dispatch_turn_id, q.failure_jsonb AS failure_json, q.created_at_ms, q.updated_at_ms,
          q.client_user_message_id
   FROM threads
   LEFT JOIN thread_queued_turns AS q ON q.thread_id = threads.id AND q.state IN ${VISIBLE_STATES_SQL}
   WHERE threads.id = $1
   ORDER BY q.queue_order ASC`,
);

const VERSIONS = statement("read_queue_versions", "SELECT id, queue_version FROM threads WHERE id = ANY($1::text[])");

type SnapshotRow = { queue_version: number } & { [K in keyof QueuedTurnRow]: QueuedTurnRow[K] | null };

export async function readQueueSnapshot({ db }: OpContext, threadId: string): Promise<QueueSnapshot> {
  const { rows } = await run<SnapshotRow>(db, SNAPSHOT, [threadId]);
  const first = rows[0];
  if (!first) return { version: 0, rows: [] };
  return {
    version: first.queue_version,
    rows: rows.filter((row) => row.queued_turn_id !== null).map((row) => toQueuedTurnRecord(row as QueuedTurnRow)),
  };
}

export async function readQueueVersions({ db }: OpContext, threadIds: readonly string[]): Promise<Map<string, number>> {
  if (threadIds.length === 0) return new Map();
  const { rows } = await run<{ id: string; queue_version: number }>(db, VERSIONS, [[...threadIds]]);
  return new Map(rows.map((row) => [row.id, row.queue_version]));
}
