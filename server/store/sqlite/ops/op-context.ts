import Database from "better-sqlite3";
import type { Db } from "../open-database.js";

/** What every operation's `prepare` receives once, at store open. */
export interface OpContext {
  db: Db;
  now: () => number;
}

/** The extended result code (`SQLITE_CONSTRAINT_FOREIGNKEY`, …) of a SQLite failure. */
export function sqliteErrorCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/** jsonb() rejects text that is not JSON with this message (SQLite's own wording). */
export function isMalformedJsonError(error: unknown): boolean {
  return error instanceof Database.SqliteError && /malformed JSON/i.test(error.message);
}
