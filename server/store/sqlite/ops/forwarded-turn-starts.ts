import type { ForwardedTurnStart, ForwardedTurnStartState } from "../../queue-store.js";
import type { OpContext } from "./op-context.js";

/** Requests nobody collected (a sender that died) are dropped after this long. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export interface ForwardedTurnStartOps {
  forward(request: ForwardedTurnStart): void;
  /** Whether anything waits for `holderId` (a read, so that a poll costs no write transaction). */
  anyFor(holderId: string): boolean;
  take(holderId: string): ForwardedTurnStart[];
  answer(requestId: string, answerJson: string): boolean;
  collect(requestId: string, withdraw: boolean): ForwardedTurnStartState;
}

/** The rows of forwarded turn/starts; the other processes notice them when the file changed. */
export function prepareForwardedTurnStartOps({ db, now }: OpContext): ForwardedTurnStartOps {
  const insert = db.prepare<[string, string, string, string, string, number, number]>(`
    INSERT INTO thread_turn_requests (request_id, thread_id, holder_id, sender_id, params_json, state, answer_json, created_at_ms, updated_at_ms)
    VALUES (?, ?, ?, ?, ?, 'pending', NULL, ?, ?)`);
  const prune = db.prepare<[number]>("DELETE FROM thread_turn_requests WHERE created_at_ms < ?");
  const any = db.prepare<[string], { found: number }>("SELECT 1 AS found FROM thread_turn_requests WHERE holder_id = ? AND state = 'pending' LIMIT 1");
  const take = db.prepare<[number, string], { request_id: string; thread_id: string; holder_id: string; sender_id: string; params_json: string; created_at_ms: number }>(`
    UPDATE thread_turn_requests SET state = 'taken', updated_at_ms = ?
    WHERE holder_id = ? AND state = 'pending'
    RETURNING request_id, thread_id, holder_id, sender_id, params_json, created_at_ms`);
  const answer = db.prepare<[string, number, string]>(
    "UPDATE thread_turn_requests SET state = 'answered', answer_json = ?, updated_at_ms = ? WHERE request_id = ? AND state = 'taken'",
  );
  const read = db.prepare<[string], { state: string; answer_json: string | null }>("SELECT state, answer_json FROM thread_turn_requests WHERE request_id = ?");
  const remove = db.prepare<[string]>("DELETE FROM thread_turn_requests WHERE request_id = ?");
  return {
    forward: (request) => {
      const at = now();
      prune.run(at - ABANDONED_AFTER_MS);
      insert.run(request.requestId, request.threadId, request.holderId, request.senderId, request.paramsJson, at, at);
    },
    anyFor: (holderId) => any.get(holderId) !== undefined,
    take: (holderId) =>
      take
        .all(now(), holderId)
        .sort((a, b) => a.created_at_ms - b.created_at_ms)
        .map((row) => ({ requestId: row.request_id, threadId: row.thread_id, holderId: row.holder_id, senderId: row.sender_id, paramsJson: row.params_json })),
    answer: (requestId, answerJson) => answer.run(answerJson, now(), requestId).changes > 0,
    collect: (requestId, withdraw) => {
      const row = read.get(requestId);
      if (row === undefined) return { state: "missing" };
      if (row.state === "answered" && row.answer_json !== null) {
        remove.run(requestId);
        return { state: "answered", answerJson: row.answer_json };
      }
      if (row.state === "pending" && withdraw) {
        remove.run(requestId);
        return { state: "cancelled" };
      }
      return { state: row.state === "pending" ? "pending" : "taken" };
    },
  };
}
