import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WriteBatcher, type CommittedBatch } from "./write-batcher.js";

describe("WriteBatcher", () => {
  let db: Database.Database;
  let commits: CommittedBatch[];
  let batcher: WriteBatcher;
  const insert = (value: number) => () => db.prepare("INSERT INTO items (value) VALUES (?)").run(value).changes;
  const values = () => db.prepare("SELECT value FROM items ORDER BY value").pluck().all();

  beforeEach(() => {
    db = new Database(":memory:");
    db.exec("CREATE TABLE items (value INTEGER NOT NULL UNIQUE)");
    commits = [];
    batcher = new WriteBatcher(db, { onCommit: (batch) => commits.push(batch) });
  });
  afterEach(async () => {
    await batcher.close();
    db.close();
  });

  it("commits the writes of one tick in one transaction and resolves each with its result", async () => {
    const results = await Promise.all([1, 2, 3].map((value) => batcher.write(insert(value))));
    expect(results).toEqual([1, 1, 1]);
    expect(commits).toEqual([{ ops: 3, writes: 3 }]);
    expect(values()).toEqual([1, 2, 3]);
  });

  it("rolls back a failing op alone, including what it wrote before failing", async () => {
    const results = await Promise.allSettled([
      batcher.write(insert(1)),
      batcher.write(() => {
        insert(2)();
        insert(1)(); // violates UNIQUE
      }),
      batcher.write(insert(3)),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(commits).toEqual([{ ops: 3, writes: 3 }]);
    expect(values()).toEqual([1, 3]);
  });

  it("rejects every op of a batch whose COMMIT fails, even those that ran, and keeps none of them", async () => {
    db.exec(`CREATE TABLE parents (id INTEGER PRIMARY KEY);
      CREATE TABLE children (parent INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)`);
    db.pragma("foreign_keys = ON");
    const results = await Promise.allSettled([
      batcher.write(insert(1)),
      batcher.write(() => db.prepare("INSERT INTO children (parent) VALUES (42)").run()),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(commits).toEqual([]);
    expect(values()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    await batcher.write(insert(5));
    expect(values()).toEqual([5]);
  });

  it("sees effects in call order, and runs a batch of reads without a transaction", async () => {
    const [, seen] = await Promise.all([batcher.write(insert(7)), batcher.read(values)]);
    expect(seen).toEqual([7]);
    expect(commits).toHaveLength(1);
    await batcher.read(values);
    expect(commits).toHaveLength(1);
  });

  it("splits a burst larger than maxBatchSize into several transactions, in order", async () => {
    const small = new WriteBatcher(db, { maxBatchSize: 4, onCommit: (batch) => commits.push(batch) });
    await Promise.all(Array.from({ length: 10 }, (_, value) => small.write(insert(value))));
    expect(commits.map((batch) => batch.writes)).toEqual([4, 4, 2]);
    expect(values()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("runs accepted work on close and refuses work after it", async () => {
    const accepted = batcher.write(insert(1));
    const closed = batcher.close();
    await expect(accepted).resolves.toBe(1);
    await closed;
    await expect(batcher.write(insert(2))).rejects.toMatchObject({ code: "closed" });
    expect(values()).toEqual([1]);
  });
});
