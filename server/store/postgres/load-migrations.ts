import { readdirSync, readFileSync } from "node:fs";

/**
 * Backend-neutral: sqlite/migrate.ts has the same loader bound to its own folder; this one
 * takes the folder, so both backends could share it from server/store/.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The `NNNN_name.sql` files of `folder`, checked to run 1, 2, 3… with no gap or duplicate. */
export function loadMigrations(folder: URL): Migration[] {
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
