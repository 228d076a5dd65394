import Database from "better-sqlite3";
import { createPrivateFile } from "./database-file.js";

export type Db = Database.Database;

/**
 * FULL: a commit is fsynced before it is acknowledged, so an acknowledged row survives power
 * loss. NORMAL (WAL): survives a process crash, but the last commits may be lost on power loss.
 */
export type SqliteSynchronous = "FULL" | "NORMAL";

export interface OpenDatabaseOptions {
  synchronous: SqliteSynchronous;
  /** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs: number;
}

/** Opens (creating if missing, owner-only) a database file with the pragmas the store relies on. */
export function openDatabase(path: string, options: OpenDatabaseOptions): Db {
  if (!Number.isSafeInteger(options.busyTimeoutMs) || options.busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${options.busyTimeoutMs}`);
  }
  const inMemory = path === ":memory:";
  if (!inMemory) createPrivateFile(path);
  const db = new Database(path);
  try {
    // First, so that every later statement (journal mode switch included) waits for other processes.
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (!inMemory && mode !== "wal") throw new Error(`could not enable WAL on ${path} (journal_mode=${String(mode)})`);
    db.pragma(`synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
