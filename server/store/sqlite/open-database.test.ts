import { statSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./open-database.js";
import { SqliteQueueStore } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("openDatabase", () => {
  const db = tempDatabase();
  afterEach(() => db.remove());

  it("creates a missing folder 0700 and the database and its WAL files 0600", async () => {
    const store = await SqliteQueueStore.open({ path: db.path });
    await store.createThread({ id: "t" });
    expect(mode(dirname(db.path))).toBe(0o700);
    expect(mode(db.path)).toBe(0o600);
    expect(mode(`${db.path}-wal`)).toBe(0o600);
    expect(mode(`${db.path}-shm`)).toBe(0o600);
    await store.close();
  });

  it("turns on WAL, full sync, foreign keys and the busy timeout by default settings", () => {
    const conn = openDatabase(db.path, { synchronous: "FULL", busyTimeoutMs: 5000 });
    try {
      expect(conn.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(conn.pragma("synchronous", { simple: true })).toBe(2);
      expect(conn.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(conn.pragma("busy_timeout", { simple: true })).toBe(5000);
    } finally {
      conn.close();
    }
  });

  it("uses NORMAL sync when asked", () => {
    const conn = openDatabase(db.path, { synchronous: "NORMAL", busyTimeoutMs: 10 });
    try {
      expect(conn.pragma("synchronous", { simple: true })).toBe(1);
    } finally {
      conn.close();
    }
  });

  it("rejects a busy timeout that is not a non-negative integer before touching the disk", () => {
    expect(() => openDatabase(db.path, { synchronous: "FULL", busyTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => statSync(db.path)).toThrow();
  });
});
