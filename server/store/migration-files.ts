import { readdirSync, readFileSync } from "node:fs";
import { QueueStoreError } from "./queue-store.js";

/** One numbered migration file; both backends use the same numbering and names. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The `NNNN_name.sql` files of `folder`, checked to run 1, 2, 3… with no gap or duplicate. */
export function loadMigrationFiles(folder: URL): Migration[] {
  const migrations = readdirSync(folder)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
      return { version: Number(match[1]), name: match[2] ?? "", sql: readFileSync(new URL(file, folder), "utf8") };
    });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations must be numbered 1, 2, 3… without gaps; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

export function migrationLabel(migration: Migration): string {
  return `${String(migration.version).padStart(4, "0")}_${migration.name}`;
}

/** A database migrated by a newer server is refused, in the same words by every backend. */
export function schemaTooNewError(found: number, newest: number): QueueStoreError {
  return new QueueStoreError(
    "schema_too_new",
    `database schema version ${found} is newer than this server supports (newest known: ${newest}); upgrade the server`,
  );
}
