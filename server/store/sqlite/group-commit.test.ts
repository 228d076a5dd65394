import { afterEach, describe, expect, it } from "vitest";
import { SqliteQueueStore, type CommittedBatch } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

describe("group commit", () => {
  const db = tempDatabase();
  const commits: CommittedBatch[] = [];
  let store: SqliteQueueStore | undefined;
  afterEach(async () => {
    await store?.close();
    db.remove();
  });

  it("commits 64 concurrent appends in one transaction, all present in call order", async () => {
    store = await SqliteQueueStore.open({ path: db.path, onBatchCommit: (batch) => commits.push(batch) });
    await store.createThread({ id: "t" });
    commits.length = 0;
    const s = store;
    const rows = await Promise.all(Array.from({ length: 64 }, (_, n) => s.appendQueuedTurn("t", JSON.stringify({ n }))));
    expect(commits).toEqual([{ ops: 64, writes: 64 }]);
    expect(rows.map((row) => row.queueOrder)).toEqual(Array.from({ length: 64 }, (_, n) => n));
    const listed = await s.listVisibleQueuedTurns("t");
    expect(listed.map((row) => JSON.parse(row.turnStartParamsJson))).toEqual(Array.from({ length: 64 }, (_, n) => ({ n })));
  });

  it("keeps a batch's other writes when one append names an unknown thread", async () => {
    store = await SqliteQueueStore.open({ path: db.path, onBatchCommit: (batch) => commits.push(batch) });
    await store.createThread({ id: "t" });
    commits.length = 0;
    const results = await Promise.allSettled([
      store.appendQueuedTurn("t", "{}"),
      store.appendQueuedTurn("ghost", "{}"),
      store.appendQueuedTurn("t", "{}"),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(commits).toEqual([{ ops: 3, writes: 3 }]);
    // What was acknowledged is on disk: a fresh connection sees it.
    const reader = await SqliteQueueStore.open({ path: db.path });
    expect((await reader.listVisibleQueuedTurns("t")).map((row) => row.queueOrder)).toEqual([0, 1]);
    await reader.close();
  });
});
