import type { ForwardedTurnStart, ForwardedTurnStartState } from "../../queue-store.js";
import { run, statement, type OpContext } from "./op-context.js";

/** The channel that tells a holder it has forwarded turn/starts, and a sender that one was answered. */
export const TURN_START_CHANNEL = "thread_turn_start";

/** Requests nobody collected (a sender that died) are dropped after this long. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

const FORWARD = statement(
  "forward_turn_start",
  `WITH stored AS (
     INSERT INTO thread_turn_requests (request_id, thread_id, holder_id, sender_id, params_json, state, answer_json, created_at_ms, updated_at_ms)
     VALUES ($2, $3, $4, $5, $6, 'pending', NULL, $7, $7)
     RETURNING holder_id
   ),
   pruned AS (DELETE FROM thread_turn_requests WHERE created_at_ms < $8)
   SELECT pg_notify($1, current_schema() || E'\\nforwarded\\n' || stored.holder_id) FROM stored`,
);

const TAKE = statement(
  "take_forwarded_turn_starts",
  `UPDATE thread_turn_requests SET state = 'taken', updated_at_ms = $2
   WHERE holder_id = $1 AND state = 'pending'
   RETURNING request_id, thread_id, holder_id, sender_id, params_json, created_at_ms`,
);

const ANSWER = statement(
  "answer_forwarded_turn_start",
  `WITH answered AS (
     UPDATE thread_turn_requests SET state = 'answered', answer_json = $3, updated_at_ms = $4
     WHERE request_id = $2 AND state = 'taken'
     RETURNING request_id
   )
   SELECT pg_notify($1, current_schema() || E'\\nanswered\\n' || answered.request_id) FROM answered`,
);

const READ = statement("read_forwarded_turn_start", "SELECT state, answer_json FROM thread_turn_requests WHERE request_id = $1 FOR UPDATE");
const REMOVE = statement("remove_forwarded_turn_start", "DELETE FROM thread_turn_requests WHERE request_id = $1");

interface RequestRow {
  request_id: string;
  thread_id: string;
  holder_id: string;
  sender_id: string;
  params_json: string;
  created_at_ms: number;
}

export async function forwardTurnStart({ db, now }: OpContext, request: ForwardedTurnStart): Promise<void> {
  const at = now();
  await run(db, FORWARD, [TURN_START_CHANNEL, request.requestId, request.threadId, request.holderId, request.senderId, request.paramsJson, at, at - ABANDONED_AFTER_MS]);
}

export async function takeForwardedTurnStarts({ db, now }: OpContext, holderId: string): Promise<ForwardedTurnStart[]> {
  const { rows } = await run<RequestRow>(db, TAKE, [holderId, now()]);
  return rows
    .sort((a, b) => a.created_at_ms - b.created_at_ms)
    .map((row) => ({ requestId: row.request_id, threadId: row.thread_id, holderId: row.holder_id, senderId: row.sender_id, paramsJson: row.params_json }));
}

export async function answerForwardedTurnStart({ db, now }: OpContext, requestId: string, answerJson: string): Promise<boolean> {
  return ((await run(db, ANSWER, [TURN_START_CHANNEL, requestId, answerJson, now()])).rowCount ?? 0) > 0;
}

export async function collectForwardedTurnStart({ db }: OpContext, requestId: string, withdraw: boolean): Promise<ForwardedTurnStartState> {
  const row = (await run<{ state: string; answer_json: string | null }>(db, READ, [requestId])).rows[0];
  if (row === undefined) return { state: "missing" };
  if (row.state === "answered" && row.answer_json !== null) {
    await run(db, REMOVE, [requestId]);
    return { state: "answered", answerJson: row.answer_json };
  }
  if (row.state === "pending" && withdraw) {
    await run(db, REMOVE, [requestId]);
    return { state: "cancelled" };
  }
  return { state: row.state === "pending" ? "pending" : "taken" };
}
