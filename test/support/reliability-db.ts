/**
 * Reads a server's SQLite file from outside the server, for the reliability tests: a content
 * hash of every table (to prove a run changed nothing) and the queue rows as stored (to prove
 * what survived a crash, byte for byte, without going through the server's own code).
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { SqliteQueueStore } from "../../server/store/index.js";

export interface StoredQueueRow {
  queued_turn_id: string;
  thread_id: string;
  turn_start_params_jsonb: string;
  queue_order: number;
  state: "pending" | "dispatching" | "failed";
  dispatch_turn_id: string | null;
  failure_jsonb: string | null;
}

/** Opens read-only; a crashed server's WAL is read as SQLite would on the next open. */
function withDatabase<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Buffers (BLOB columns) as hex, so that the hash covers their bytes, not "[object]". */
function canonical(value: unknown): unknown {
  return Buffer.isBuffer(value) ? `blob:${value.toString("hex")}` : value;
}

/**
 * One SHA-256 per table (schema_migrations, threads, thread_queued_turns, …) over its CREATE
 * statement and every row in rowid order, with column names: any changed byte shows.
 */
export function tableHashes(path: string): Record<string, string> {
  return withDatabase(path, (db) => {
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        // store_processes says which server processes have the file open: presence, not data.
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'store_processes' ORDER BY name",
      )
      .all();
    const hashes: Record<string, string> = {};
    for (const { name, sql } of tables) {
      const hash = createHash("sha256").update(sql);
      // Table names come from sqlite_master, quoted; there is no user input here.
      const rows = db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}" ORDER BY rowid`).all() as Record<string, unknown>[];
      for (const row of rows) {
        hash.update(JSON.stringify(Object.entries(row).map(([column, value]) => [column, canonical(value)])));
        hash.update("\n");
      }
      hashes[name] = `${rows.length} rows ${hash.digest("hex")}`;
    }
    return hashes;
  });
}

/** Every queue row of a thread (all states), in queue order; the JSONB columns as JSON text. */
export function storedQueueRows(path: string, threadId: string): StoredQueueRow[] {
  return withDatabase(path, (db) =>
    db
      .prepare<[string], StoredQueueRow>(
        `SELECT queued_turn_id, thread_id, json(turn_start_params_jsonb) AS turn_start_params_jsonb, queue_order,
                state, dispatch_turn_id, json(failure_jsonb) AS failure_jsonb
           FROM thread_queued_turns WHERE thread_id = ? ORDER BY queue_order`,
      )
      .all(threadId),
  );
}

/** The stored thread row, or undefined. */
export function storedThread(path: string, threadId: string): Record<string, unknown> | undefined {
  return withDatabase(path, (db) =>
    db.prepare<[string], Record<string, unknown>>("SELECT * FROM threads WHERE id = ?").get(threadId),
  );
}

/** How many thread leases the file holds (a thread loaded by a server holds one). */
export function leaseCount(path: string): number {
  return withDatabase(path, (db) => db.prepare("SELECT COUNT(*) FROM thread_leases").pluck().get() as number);
}

/** Creates a persisted thread in the file, as if a server had (no server has it loaded). */
export async function persistThread(path: string, threadId: string): Promise<string> {
  const store = await SqliteQueueStore.open({ path });
  await store.createThread({ id: threadId });
  await store.close();
  return threadId;
}
