/**
 * Row shapes and mapping are the SQLite backend's (sqlite/rows.ts imports nothing of SQLite):
 * the pool's type parsers return BIGINT as numbers and jsonb as compact JSON text, so a row
 * read here has exactly the shape of one read there. Only the column list differs: SQLite
 * needs json() to print its JSONB, PostgreSQL prints jsonb itself.
 */
export {
  THREAD_COLUMNS,
  VISIBLE_STATES_SQL,
  toQueuedTurnRecord,
  toThreadRecord,
  type QueuedTurnRow,
  type ThreadRow,
} from "../sqlite/rows.js";

export const QUEUED_TURN_COLUMNS = `
  queued_turn_id,
  thread_id,
  turn_start_params_jsonb AS turn_start_params_json,
  queue_order,
  state,
  dispatch_turn_id,
  failure_jsonb AS failure_json,
  created_at_ms,
  updated_at_ms`;
