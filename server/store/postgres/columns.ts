/**
 * The PostgreSQL column list behind `QueuedTurnRow` (../rows.ts): the pool's type parsers
 * return BIGINT as numbers and jsonb as compact JSON text, so no conversion is needed here.
 */
export const QUEUED_TURN_COLUMNS = `
  queued_turn_id,
  thread_id,
  turn_start_params_jsonb AS turn_start_params_json,
  queue_order,
  state,
  dispatch_turn_id,
  failure_jsonb AS failure_json,
  created_at_ms,
  updated_at_ms,
  client_user_message_id`;
