import Database from "better-sqlite3";
import type { Db } from "../open-database.js";

/** Where ops record the queue versions they committed, for the change feed (after COMMIT). */
export interface QueueChangeLog {
  note(threadId: string, version: number): void;
}

/** What every operation's `prepare` receives once, at store open. */
export interface OpContext {
  db: Db;
  now: () => number;
  /** Absent for ops prepared outside a store (benchmarks): versions still move, nobody hears. */
  changes?: QueueChangeLog;
  /** How long the ids of dispatched rows are remembered (idempotent adds); default 24 h. */
  dedupeRetentionMs?: number;
}

/** The extended result code (`SQLITE_CONSTRAINT_FOREIGNKEY`, …) of a SQLite failure. */
export function sqliteErrorCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/** jsonb() rejects text that is not JSON with this message (SQLite's own wording). */
export function isMalformedJsonError(error: unknown): boolean {
  return error instanceof Database.SqliteError && /malformed JSON/i.test(error.message);
}
