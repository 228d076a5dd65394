import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { isQueueStoreError } from "../queue-store.js";
import { loadMigrations } from "./migrate.js";
import { SqliteQueueStore } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

const NEWEST = loadMigrations().length;

describe("migrations", () => {
  const db = tempDatabase();
  afterEach(() => db.remove());

  function inspect<T>(read: (raw: Database.Database) => T): T {
    const raw = new Database(db.path, { readonly: true });
    try {
      return read(raw);
    } finally {
      raw.close();
    }
  }

  it("are numbered 1, 2, 3… and the newest is 7", () => {
    expect(loadMigrations().map((migration) => [migration.version, migration.name])).toEqual([
      [1, "threads"],
      [2, "thread_queued_turns"],
      [3, "one_dispatching_per_thread"],
      [4, "thread_queue_version"],
      [5, "thread_leases"],
      [6, "thread_queue_bytes"],
      [7, "clients_behind_load_balancer"],
    ]);
  });

  it("create the upstream table, its index and the one-dispatching index on a fresh file", async () => {
    const store = await SqliteQueueStore.open({ path: db.path });
    expect(store.schemaVersion).toBe(NEWEST);
    await store.close();
    inspect((raw) => {
      expect(raw.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(raw.prepare("SELECT name FROM pragma_table_info('thread_queued_turns') ORDER BY cid").pluck().all()).toEqual([
        "queued_turn_id",
        "thread_id",
        "turn_start_params_jsonb",
        "queue_order",
        "state",
        "dispatch_turn_id",
        "failure_jsonb",
        "created_at_ms",
        "updated_at_ms",
        "client_user_message_id",
      ]);
      expect(raw.prepare("SELECT \"table\", on_delete FROM pragma_foreign_key_list('thread_queued_turns')").all()).toEqual([
        { table: "threads", on_delete: "CASCADE" },
      ]);
      const indexes = raw
        .prepare("SELECT name, \"unique\", partial FROM pragma_index_list('thread_queued_turns') WHERE origin = 'c' ORDER BY name")
        .all();
      expect(indexes).toEqual([
        { name: "thread_queued_turns_client_user_message_id_idx", unique: 1, partial: 1 },
        { name: "thread_queued_turns_one_dispatching_idx", unique: 1, partial: 1 },
        { name: "thread_queued_turns_thread_state_order_idx", unique: 0, partial: 0 },
      ]);
      expect(raw.prepare("SELECT name FROM pragma_index_info('thread_queued_turns_thread_state_order_idx')").pluck().all()).toEqual([
        "thread_id",
        "state",
        "queue_order",
      ]);
    });
  });

  it("enforce the state CHECK, UNIQUE(thread_id, queue_order) and the cascade from threads", async () => {
    const store = await SqliteQueueStore.open({ path: db.path });
    await store.createThread({ id: "t" });
    await store.appendQueuedTurn("t", "{}");
    await store.close();
    const raw = new Database(db.path);
    try {
      raw.pragma("foreign_keys = ON");
      const insert = raw.prepare(
        "INSERT INTO thread_queued_turns VALUES (?, 't', jsonb('{}'), ?, ?, NULL, NULL, 0, 0, NULL)",
      );
      expect(() => insert.run("x1", 5, "running")).toThrow(/CHECK constraint failed/);
      expect(() => insert.run("x2", 0, "pending")).toThrow(/UNIQUE constraint failed/);
      raw.prepare("DELETE FROM threads WHERE id = 't'").run();
      expect(raw.prepare("SELECT COUNT(*) FROM thread_queued_turns").pluck().get()).toBe(0);
    } finally {
      raw.close();
    }
  });

  it("are not applied twice when the file is reopened, and the data stays", async () => {
    const first = await SqliteQueueStore.open({ path: db.path });
    await first.createThread({ id: "t" });
    const row = await first.appendQueuedTurn("t", '{"kept":true}');
    await first.close();
    const second = await SqliteQueueStore.open({ path: db.path });
    expect(second.schemaVersion).toBe(NEWEST);
    expect(await second.listVisibleQueuedTurns("t")).toEqual([row]);
    await second.close();
    expect(inspect((raw) => raw.prepare("SELECT COUNT(*) FROM schema_migrations").pluck().get())).toBe(NEWEST);
  });

  it("refuse a database written by a newer version, naming both versions, and leave it untouched", async () => {
    await (await SqliteQueueStore.open({ path: db.path })).close();
    const raw = new Database(db.path);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (8, 'from_the_future', 0)").run();
    raw.close();
    const error: unknown = await SqliteQueueStore.open({ path: db.path }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isQueueStoreError(error, "schema_too_new")).toBe(true);
    expect((error as Error).message).toBe(
      `database schema version 8 is newer than this server supports (newest known: ${NEWEST}); upgrade the server`,
    );
    expect(inspect((raw) => raw.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get())).toBe(8);
  });
});
