import type { QueuedTurnRecord, QueuedTurnState, ThreadRecord } from "./queue-store.js";

/**
 * Row shapes and their mapping to records, shared by every backend: each backend's driver
 * returns integers as numbers and JSON columns as compact JSON text, under the column aliases
 * below, so a row read from SQLite has exactly the shape of one read from PostgreSQL. Only
 * the column list that produces those aliases is the backend's own (`QUEUED_TURN_COLUMNS` in
 * sqlite/columns.ts and postgres/columns.ts: SQLite prints its JSONB with json()).
 */

/** The states a client sees; `dispatching` is internal. */
export const VISIBLE_STATES_SQL = "('pending', 'failed')";

export interface QueuedTurnRow {
  queued_turn_id: string;
  thread_id: string;
  turn_start_params_json: string;
  queue_order: number;
  state: string;
  dispatch_turn_id: string | null;
  failure_json: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  client_user_message_id: string | null;
}

export function toQueuedTurnRecord(row: QueuedTurnRow): QueuedTurnRecord {
  return {
    queuedTurnId: row.queued_turn_id,
    threadId: row.thread_id,
    turnStartParamsJson: row.turn_start_params_json,
    queueOrder: row.queue_order,
    state: toState(row.state),
    dispatchTurnId: row.dispatch_turn_id,
    failureJson: row.failure_json,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    clientUserMessageId: row.client_user_message_id,
  };
}

function toState(value: string): QueuedTurnState {
  if (value === "pending" || value === "dispatching" || value === "failed") return value;
  // The CHECK constraint makes this unreachable unless the file was edited by hand.
  throw new Error(`unknown thread queued turn state \`${value}\``);
}

export const THREAD_COLUMNS = "id, cwd, model, model_provider, cli_version, created_at_ms, updated_at_ms";

export interface ThreadRow {
  id: string;
  cwd: string | null;
  model: string | null;
  model_provider: string | null;
  cli_version: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export function toThreadRecord(row: ThreadRow): ThreadRecord {
  return {
    id: row.id,
    cwd: row.cwd,
    model: row.model,
    modelProvider: row.model_provider,
    cliVersion: row.cli_version,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}
