-- Bumped in the same transaction as every visible change of the thread's queue, so that several
-- server instances (or processes) can tell a newer queue snapshot from an older one.
ALTER TABLE threads ADD COLUMN queue_version INTEGER NOT NULL DEFAULT 0;
