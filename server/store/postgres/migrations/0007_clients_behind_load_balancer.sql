-- Clients behind a load balancer (docs/scaling-out.md): idempotent adds, turn events fanned out
-- to every instance, and turn/start forwarded to the instance dispatching the thread.

-- thread/queue/add's clientUserMessageId. Unique per thread among the rows still queued (of any
-- state), so that two instances retrying one add at once cannot both insert.
ALTER TABLE thread_queued_turns ADD COLUMN client_user_message_id TEXT;

CREATE UNIQUE INDEX thread_queued_turns_client_user_message_id_idx
    ON thread_queued_turns(thread_id, client_user_message_id)
    WHERE client_user_message_id IS NOT NULL;

-- The ids of rows that were dispatched (their turn started), kept for the retention window
-- (--dedupe-retention) so that a retry arriving after the dispatch returns the row and runs
-- nothing. Written in the statement that removes the started row.
CREATE TABLE thread_dispatched_client_ids (
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    client_user_message_id TEXT NOT NULL,
    queued_turn_id TEXT NOT NULL,
    turn_start_params_jsonb JSONB NOT NULL,
    dispatched_at_ms BIGINT NOT NULL,
    PRIMARY KEY (thread_id, client_user_message_id)
);

CREATE INDEX thread_dispatched_client_ids_dispatched_at_idx
    ON thread_dispatched_client_ids(dispatched_at_ms);

-- Turn events (turn/started, turn/completed, error) too large for a NOTIFY payload (8000 bytes):
-- the notification names the row instead. Rows older than a few minutes are pruned by the
-- instances that write them.
CREATE TABLE thread_turn_events (
    event_seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    method TEXT NOT NULL,
    params_json TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX thread_turn_events_created_at_idx ON thread_turn_events(created_at_ms);

-- A turn/start received by an instance that does not dispatch the thread, forwarded to the one
-- that does (holder_id, the lease owner when it was sent). pending → taken (the holder started
-- working on it) → answered; or pending → cancelled by the sender that gave up waiting.
CREATE TABLE thread_turn_requests (
    request_id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    holder_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    params_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('pending', 'taken', 'answered', 'cancelled')),
    answer_json TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX thread_turn_requests_holder_idx ON thread_turn_requests(holder_id, state);
CREATE INDEX thread_turn_requests_sender_idx ON thread_turn_requests(sender_id, state);
