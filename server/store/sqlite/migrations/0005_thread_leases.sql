-- Which server instance dispatches a thread's queue: the owner of its unexpired lease. Renewed
-- while the thread is loaded there; a lease that changes hands fails the claims its previous
-- owner abandoned. Times are epoch milliseconds.
CREATE TABLE thread_leases (
    thread_id TEXT PRIMARY KEY NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    acquired_at_ms INTEGER NOT NULL
);

CREATE INDEX thread_leases_owner_idx ON thread_leases(owner_id);
