-- Bumped in the same transaction as every visible change of the thread's queue (under the
-- thread's row lock, so versions follow commit order), and sent with each change notification,
-- so that an instance re-reads and never sends an older snapshot after a newer one.
ALTER TABLE threads ADD COLUMN queue_version BIGINT NOT NULL DEFAULT 0;
