-- Persisted (non-ephemeral) threads: only what thread/start and thread/resume need back.
-- Same names as the SQLite backend; times are epoch milliseconds.
CREATE TABLE threads (
    id TEXT PRIMARY KEY NOT NULL,
    cwd TEXT,
    model TEXT,
    model_provider TEXT,
    cli_version TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
