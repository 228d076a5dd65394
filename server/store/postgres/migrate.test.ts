import pg from "pg";
import { describe, expect, it } from "vitest";
import { isQueueStoreError } from "../queue-store.js";
import { loadPostgresMigrations } from "./migrate.js";
import { describeWithPostgres } from "./test-database.js";

const NEWEST = loadPostgresMigrations().length;

describe("PostgreSQL migration files", () => {
  it("are numbered 1, 2, 3… with the SQLite backend's names, and leave room for more", () => {
    expect(loadPostgresMigrations().map((migration) => [migration.version, migration.name])).toEqual([
      [1, "threads"],
      [2, "thread_queued_turns"],
      [3, "one_dispatching_per_thread"],
      [4, "thread_queue_version"],
      [5, "thread_leases"],
      [6, "thread_queue_bytes"],
      [7, "clients_behind_load_balancer"],
    ]);
  });
});

describeWithPostgres("PostgreSQL migrations", (database) => {
  const table = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await database().admin.query<R>(text, values)).rows;

  it("create the upstream table, its indexes and constraints on a fresh schema", async () => {
    const { store, schema, dispose } = await database().openStore();
    expect(store.schemaVersion).toBe(NEWEST);
    await store.close();

    expect(await query(`SELECT version, name FROM ${table(schema, "schema_migrations")} ORDER BY version`)).toEqual([
      { version: 1, name: "threads" },
      { version: 2, name: "thread_queued_turns" },
      { version: 3, name: "one_dispatching_per_thread" },
      { version: 4, name: "thread_queue_version" },
      { version: 5, name: "thread_leases" },
      { version: 6, name: "thread_queue_bytes" },
      { version: 7, name: "clients_behind_load_balancer" },
    ]);
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'thread_queued_turns' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.map((column) => [column.column_name, column.data_type, column.is_nullable])).toEqual([
      ["queued_turn_id", "text", "NO"],
      ["thread_id", "text", "NO"],
      ["turn_start_params_jsonb", "jsonb", "NO"],
      ["queue_order", "bigint", "NO"],
      ["state", "text", "NO"],
      ["dispatch_turn_id", "text", "YES"],
      ["failure_jsonb", "jsonb", "YES"],
      ["created_at_ms", "bigint", "NO"],
      ["updated_at_ms", "bigint", "NO"],
      // Migration 0006: each row's size, for the list page budget (PostgreSQL only).
      ["turn_start_params_bytes", "bigint", "NO"],
      ["client_user_message_id", "text", "YES"],
    ]);
    const constraints = await query<{ contype: string; definition: string }>(
      `SELECT contype, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid = to_regclass(format('%I.thread_queued_turns', $1::text)) ORDER BY contype, conname`,
      [schema],
    );
    expect(constraints).toEqual([
      { contype: "c", definition: "CHECK ((state = ANY (ARRAY['pending'::text, 'dispatching'::text, 'failed'::text])))" },
      { contype: "f", definition: `FOREIGN KEY (thread_id) REFERENCES ${schema}.threads(id) ON DELETE CASCADE` },
      { contype: "p", definition: "PRIMARY KEY (queued_turn_id)" },
      { contype: "u", definition: "UNIQUE (thread_id, queue_order)" },
    ]);
    const indexes = await query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'thread_queued_turns' ORDER BY indexname`,
      [schema],
    );
    const on = `ON ${schema}.thread_queued_turns USING btree`;
    expect(indexes.map((index) => index.indexdef)).toEqual([
      `CREATE UNIQUE INDEX thread_queued_turns_client_user_message_id_idx ${on} (thread_id, client_user_message_id) WHERE (client_user_message_id IS NOT NULL)`,
      `CREATE UNIQUE INDEX thread_queued_turns_one_dispatching_idx ${on} (thread_id) WHERE (state = 'dispatching'::text)`,
      `CREATE UNIQUE INDEX thread_queued_turns_pkey ${on} (queued_turn_id)`,
      `CREATE UNIQUE INDEX thread_queued_turns_thread_id_queue_order_key ${on} (thread_id, queue_order)`,
      `CREATE INDEX thread_queued_turns_thread_state_order_idx ${on} (thread_id, state, queue_order)`,
    ]);
    await dispose();
  });

  it("enforce the state CHECK, UNIQUE(thread_id, queue_order), one dispatching row and the cascade", async () => {
    const { store, schema, dispose } = await database().openStore();
    await store.createThread({ id: "t" });
    await store.appendQueuedTurn("t", "{}");
    await store.claimHeadQueuedTurn("t");
    const insert = (id: string, order: number, state: string) =>
      database().admin.query(
        `INSERT INTO ${table(schema, "thread_queued_turns")} VALUES ($1, 't', '{}', $2, $3, NULL, NULL, 0, 0)`,
        [id, order, state],
      );
    await expect(insert("x1", 5, "running")).rejects.toThrow(/check constraint/);
    await expect(insert("x2", 0, "pending")).rejects.toThrow(/thread_queued_turns_thread_id_queue_order_key/);
    await expect(insert("x3", 7, "dispatching")).rejects.toThrow(/thread_queued_turns_one_dispatching_idx/);
    await database().admin.query(`DELETE FROM ${table(schema, "threads")} WHERE id = 't'`);
    expect(await query(`SELECT COUNT(*)::int AS n FROM ${table(schema, "thread_queued_turns")}`)).toEqual([{ n: 0 }]);
    await dispose();
  });

  it("are not applied twice when the schema is reopened, and the data stays", async () => {
    const first = await database().openStore();
    await first.store.createThread({ id: "t" });
    const row = await first.store.appendQueuedTurn("t", '{"kept":true}');
    await first.store.close();
    const second = await database().openStore({ schema: first.schema });
    expect(second.store.schemaVersion).toBe(NEWEST);
    expect(await second.store.listVisibleQueuedTurns("t")).toEqual([row]);
    expect(await query(`SELECT COUNT(*)::int AS n FROM ${table(first.schema, "schema_migrations")}`)).toEqual([{ n: NEWEST }]);
    await second.dispose();
  });

  it("run once when several instances open one new schema at the same time", async () => {
    const schema = database().newSchema();
    const opened = await Promise.all(Array.from({ length: 5 }, () => database().openStore({ schema })));
    expect(opened.map((instance) => instance.store.schemaVersion)).toEqual(Array.from({ length: 5 }, () => NEWEST));
    expect(await query(`SELECT version FROM ${table(schema, "schema_migrations")} ORDER BY version`)).toEqual(
      Array.from({ length: NEWEST }, (_, index) => ({ version: index + 1 })),
    );
    await Promise.all(opened.map((instance) => instance.dispose()));
  });

  it("refuse a schema written by a newer version, naming both versions, and leave it untouched", async () => {
    const { store, schema, dispose } = await database().openStore();
    await store.close();
    await database().admin.query(
      `INSERT INTO ${table(schema, "schema_migrations")} (version, name, applied_at_ms) VALUES (8, 'from_the_future', 0)`,
    );
    const error: unknown = await database()
      .openStore({ schema })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(isQueueStoreError(error, "schema_too_new")).toBe(true);
    expect((error as Error).message).toBe(
      `database schema version 8 is newer than this server supports (newest known: ${NEWEST}); upgrade the server`,
    );
    expect(await query(`SELECT MAX(version) AS version FROM ${table(schema, "schema_migrations")}`)).toEqual([{ version: 8 }]);
    await dispose();
  });

  it("return BIGINT columns as numbers, and refuse one beyond 2^53 instead of rounding it", async () => {
    const { store, schema, dispose } = await database().openStore();
    const created = await store.createThread({ id: "t", createdAtMs: 1_700_000_000_123 });
    expect(created.createdAtMs).toBe(1_700_000_000_123);
    await database().admin.query(`UPDATE ${table(schema, "threads")} SET updated_at_ms = $1 WHERE id = 't'`, ["9007199254740993"]);
    await expect(store.getThread("t")).rejects.toThrow("integer 9007199254740993 is outside JavaScript's safe range");
    await dispose();
  });

  it("refuse a schema name that is not a plain identifier", async () => {
    await expect(database().openStore({ schema: "x; DROP TABLE threads" })).rejects.toThrow(/schema must be a lower-case identifier/);
  });
});
