import { readdirSync, readFileSync } from "node:fs";
import { QueueStoreError } from "../queue-store.js";
import type { Db } from "./open-database.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The numbered files of migrations/, checked to run 1, 2, 3… with no gap or duplicate. */
export function loadMigrations(): Migration[] {
  const migrations = readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
      return {
        version: Number(match[1]),
        name: match[2] ?? "",
        sql: readFileSync(new URL(file, MIGRATIONS_DIR), "utf8"),
      };
    });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations must be numbered 1, 2, 3… without gaps; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

/**
 * Brings the schema up to the newest known version, one transaction per migration. Each
 * transaction re-reads the applied version under the write lock, so two processes opening the
 * same new file at once apply every migration exactly once. A database written by a newer
 * version is refused rather than used with a schema this code does not understand.
 */
export function migrate(db: Db, migrations: readonly Migration[], now: () => number): number {
  const newest = migrations.length;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
  )`);
  const appliedVersion = db.prepare<[], { version: number | null }>("SELECT MAX(version) AS version FROM schema_migrations");
  const record = db.prepare<[number, string, number]>(
    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
  );
  const current = () => appliedVersion.get()?.version ?? 0;

  const found = current();
  if (found > newest) {
    throw new QueueStoreError(
      "schema_too_new",
      `database schema version ${found} is newer than this server supports (newest known: ${newest}); upgrade the server`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= found) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      if (current() < migration.version) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, now());
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw new Error(`migration ${String(migration.version).padStart(4, "0")}_${migration.name} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }
  return current();
}
