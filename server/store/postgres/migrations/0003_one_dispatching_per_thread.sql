-- Queued turns of a thread run serially. The claim already guarantees it (it runs under the
-- thread's row lock); this makes the database refuse a second claim even from a writer that
-- bypasses the store, or from a claim racing on a stale snapshot.
CREATE UNIQUE INDEX thread_queued_turns_one_dispatching_idx
    ON thread_queued_turns(thread_id)
    WHERE state = 'dispatching';
