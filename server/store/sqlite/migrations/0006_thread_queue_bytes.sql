-- How many bytes of turnStartParams a thread's queue holds (every row, dispatching included),
-- kept by triggers so that the --max-queue-bytes check of an append is one lookup instead of a
-- sum over the queue. The limit bounds every message that carries the whole queue
-- (thread/queue/changed, the reorder answer) far below V8's string limit.
ALTER TABLE threads ADD COLUMN queue_bytes INTEGER NOT NULL DEFAULT 0;

UPDATE threads SET queue_bytes = (
    SELECT COALESCE(SUM(length(turn_start_params_jsonb)), 0)
    FROM thread_queued_turns
    WHERE thread_queued_turns.thread_id = threads.id
);

CREATE TRIGGER thread_queued_turns_count_bytes_in
AFTER INSERT ON thread_queued_turns
BEGIN
    UPDATE threads SET queue_bytes = queue_bytes + length(NEW.turn_start_params_jsonb) WHERE id = NEW.thread_id;
END;

CREATE TRIGGER thread_queued_turns_count_bytes_out
AFTER DELETE ON thread_queued_turns
BEGIN
    UPDATE threads SET queue_bytes = queue_bytes - length(OLD.turn_start_params_jsonb) WHERE id = OLD.thread_id;
END;
