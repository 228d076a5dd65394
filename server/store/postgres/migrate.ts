import pg from "pg";
import { isUnavailable } from "./errors.js";
import { loadMigrationFiles, migrationLabel, schemaTooNewError, type Migration } from "../migration-files.js";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

export function loadPostgresMigrations(): Migration[] {
  return loadMigrationFiles(MIGRATIONS_DIR);
}

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at_ms BIGINT NOT NULL
)`;
const APPLIED_VERSION = "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations";
const RECORD = "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)";
// A session-level advisory lock keyed by the schema: instances starting together on one
// database wait for each other instead of racing on CREATE TABLE.
const LOCK = "SELECT pg_advisory_lock(hashtextextended($1, 0))";
const UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

export interface MigrateOptions {
  /** Created if missing. Already checked to be a plain identifier. */
  schema: string | undefined;
  now: () => number;
}

/**
 * Brings the schema up to the newest known version, one transaction per migration, under an
 * advisory lock so that several instances opening one new database apply each migration once.
 * A database written by a newer version is refused rather than used with a schema this code
 * does not understand. Returns the schema version.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[], options: MigrateOptions): Promise<number> {
  const lockName = `thread_queue.schema_migrations:${options.schema ?? ""}`;
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query(LOCK, [lockName]);
    try {
      return await applyPending(client, migrations, options);
    } finally {
      // If the unlock fails the session is dropped below, which releases the lock too.
      await client.query(UNLOCK, [lockName]).catch(() => {
        healthy = false;
      });
    }
  } catch (error) {
    healthy = false;
    throw error;
  } finally {
    client.release(!healthy);
  }
}

async function applyPending(client: pg.PoolClient, migrations: readonly Migration[], options: MigrateOptions): Promise<number> {
  if (options.schema !== undefined) {
    // DDL takes no bind parameters; the name is a checked identifier, quoted as well.
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(options.schema)}`);
  }
  await client.query(CREATE_MIGRATIONS_TABLE);
  const appliedVersion = async () => (await client.query<{ version: number }>(APPLIED_VERSION)).rows[0]?.version ?? 0;
  const found = await appliedVersion();
  const newest = migrations.length;
  if (found > newest) {
    throw schemaTooNewError(found, newest);
  }
  for (const migration of migrations) {
    if (migration.version <= found) continue;
    await client.query("BEGIN");
    try {
      await client.query(migration.sql);
      await client.query(RECORD, [migration.version, migration.name, options.now()]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (isUnavailable(error)) throw error;
      throw new Error(`migration ${migrationLabel(migration)} failed: ${String(error)}`, { cause: error });
    }
  }
  return appliedVersion();
}
