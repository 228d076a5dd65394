-- Queued turns of a thread run serially. The claim statement already guarantees it; this makes
-- the database refuse a second claim even from a writer that bypasses that statement.
CREATE UNIQUE INDEX thread_queued_turns_one_dispatching_idx
    ON thread_queued_turns(thread_id)
    WHERE state = 'dispatching';
