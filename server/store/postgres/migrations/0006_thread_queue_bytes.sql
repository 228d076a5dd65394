-- How many bytes of turnStartParams a thread's queue holds (every row, dispatching included,
-- measured as their JSON text), kept by triggers so that the --max-queue-bytes check of an
-- append is one lookup instead of a sum over the queue. The limit bounds every message that
-- carries the whole queue (thread/queue/changed, the reorder answer) far below V8's string limit.
--
-- Each row also keeps its own size (PostgreSQL only: SQLite reads a JSONB blob's length from its
-- record header), so that a list page can stop at its byte budget without rendering the rows it
-- will not return.
ALTER TABLE thread_queued_turns ADD COLUMN turn_start_params_bytes BIGINT;
UPDATE thread_queued_turns SET turn_start_params_bytes = octet_length(turn_start_params_jsonb::text);
ALTER TABLE thread_queued_turns ALTER COLUMN turn_start_params_bytes SET NOT NULL;

ALTER TABLE threads ADD COLUMN queue_bytes BIGINT NOT NULL DEFAULT 0;

UPDATE threads SET queue_bytes = COALESCE((
    SELECT SUM(turn_start_params_bytes)
    FROM thread_queued_turns
    WHERE thread_queued_turns.thread_id = threads.id
), 0);

CREATE FUNCTION thread_queued_turns_measure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.turn_start_params_bytes := octet_length(NEW.turn_start_params_jsonb::text);
    RETURN NEW;
END;
$$;

CREATE TRIGGER thread_queued_turns_measure
BEFORE INSERT ON thread_queued_turns
FOR EACH ROW EXECUTE FUNCTION thread_queued_turns_measure();

-- SET search_path FROM CURRENT: the trigger finds this schema's threads table whatever the
-- search_path of the session that deletes a row (an operator's psql, a cascade).
CREATE FUNCTION thread_queued_turns_count_bytes() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE threads SET queue_bytes = queue_bytes + NEW.turn_start_params_bytes WHERE id = NEW.thread_id;
        RETURN NEW;
    END IF;
    UPDATE threads SET queue_bytes = queue_bytes - OLD.turn_start_params_bytes WHERE id = OLD.thread_id;
    RETURN OLD;
END;
$$;

CREATE TRIGGER thread_queued_turns_count_bytes
AFTER INSERT OR DELETE ON thread_queued_turns
FOR EACH ROW EXECUTE FUNCTION thread_queued_turns_count_bytes();
