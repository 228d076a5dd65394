/**
 * The SQLite column list behind `QueuedTurnRow` (../rows.ts). Params and failures are stored as
 * SQLite JSONB (as upstream does) and read back as compact JSON text with json().
 */
export const QUEUED_TURN_COLUMNS = `
  queued_turn_id,
  thread_id,
  json(turn_start_params_jsonb) AS turn_start_params_json,
  queue_order,
  state,
  dispatch_turn_id,
  json(failure_jsonb) AS failure_json,
  created_at_ms,
  updated_at_ms,
  client_user_message_id`;
