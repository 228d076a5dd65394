import { loadMigrationFiles, migrationLabel, schemaTooNewError, type Migration } from "../migration-files.js";
import type { Db } from "./open-database.js";

export type { Migration };

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/** The numbered files of sqlite/migrations/, checked to run 1, 2, 3… with no gap or duplicate. */
export function loadMigrations(): Migration[] {
  return loadMigrationFiles(MIGRATIONS_DIR);
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
    throw schemaTooNewError(found, newest);
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
      throw new Error(`migration ${migrationLabel(migration)} failed: ${String(error)}`, { cause: error });
    }
  }
  return current();
}
