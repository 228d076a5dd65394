-- The upstream table (codex-rs/state/migrations/0035_thread_queued_turns.sql), same names as
-- the SQLite backend, so that operators and tools can read either database. Payloads are
-- jsonb (SQLite stores its JSONB as a BLOB); integers are BIGINT as SQLite's INTEGER is 64-bit.
CREATE TABLE thread_queued_turns (
    queued_turn_id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    turn_start_params_jsonb JSONB NOT NULL,
    queue_order BIGINT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('pending', 'dispatching', 'failed')),
    dispatch_turn_id TEXT,
    failure_jsonb JSONB,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE(thread_id, queue_order)
);

CREATE INDEX thread_queued_turns_thread_state_order_idx
    ON thread_queued_turns(thread_id, state, queue_order);
