import { describe, expect, it } from "vitest";
import { FlagError, parseServerFlags } from "./server-flags.js";
import { describeStoreTarget, parseStoreTarget } from "./store-target.js";

describe("--db", () => {
  it("is a PostgreSQL URL when it says so, an SQLite path otherwise", () => {
    expect(parseStoreTarget("postgres://u@h:5432/db", "s")).toEqual({ kind: "postgres", connectionString: "postgres://u@h:5432/db", schema: "s" });
    expect(parseStoreTarget("POSTGRESQL://h/db", undefined).kind).toBe("postgres");
    expect(parseStoreTarget("postgres.sqlite", undefined)).toEqual({ kind: "sqlite", path: "postgres.sqlite" });
  });

  it("never logs a password", () => {
    const shown = describeStoreTarget(parseStoreTarget("postgres://user:secret@db.example:5432/q?sslmode=require&password=also", "tq"));
    expect(shown).not.toContain("secret");
    expect(shown).not.toContain("also");
    expect(shown).toContain("db.example:5432/q");
    expect(shown).toContain("(schema tq)");
  });

  it("takes --db-schema and --lease-ttl-ms, and refuses a schema for SQLite or a bad name", () => {
    const flags = parseServerFlags(["--db", "postgres://h/db", "--db-schema", "tq_1", "--lease-ttl-ms", "2500"], {});
    expect(flags).toMatchObject({ db: "postgres://h/db", dbSchema: "tq_1", leaseTtlMs: 2500 });
    expect(parseServerFlags([], { THREAD_QUEUE_DB: "postgres://h/db", THREAD_QUEUE_DB_SCHEMA: "env_schema" })).toMatchObject({ dbSchema: "env_schema", leaseTtlMs: 10_000 });
    expect(() => parseServerFlags(["--db", "file.sqlite", "--db-schema", "s"], {})).toThrow(FlagError);
    expect(() => parseServerFlags(["--db", "postgres://h/db", "--db-schema", "Bad-Name"], {})).toThrow(/lower-case identifier/);
    expect(() => parseServerFlags(["--lease-ttl-ms", "0"], {})).toThrow(FlagError);
  });
});
