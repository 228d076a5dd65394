import pg from "pg";
import { expect, it } from "vitest";
import type { CommittedBatch } from "./postgres-queue-store.js";
import { describeWithPostgres, waitsForLock, waitUntil } from "./test-database.js";

describeWithPostgres("PostgreSQL group commit", (database) => {
  async function openObserved(options: { maxBatchSize?: number; applicationName?: string } = {}) {
    const commits: CommittedBatch[] = [];
    const opened = await database().openStore({ ...options, onBatchCommit: (batch) => commits.push(batch) });
    return { ...opened, commits };
  }

  it("commits 64 concurrent appends in one transaction, in call order, visible to another instance", async () => {
    const { store, schema, commits, dispose } = await openObserved();
    await store.createThread({ id: "t" });
    commits.length = 0;
    const rows = await Promise.all(Array.from({ length: 64 }, (_, n) => store.appendQueuedTurn("t", JSON.stringify({ n }))));
    expect(commits).toEqual([{ ops: 64, writes: 64 }]);
    expect(rows.map((row) => row.queueOrder)).toEqual(Array.from({ length: 64 }, (_, n) => n));
    // Acknowledged means committed: a second instance sees every row at once.
    const other = await database().openStore({ schema });
    const listed = await other.store.listVisibleQueuedTurns("t");
    expect(listed.map((row) => JSON.parse(row.turnStartParamsJson))).toEqual(Array.from({ length: 64 }, (_, n) => ({ n })));
    await other.store.close();
    await dispose();
  });

  it("keeps a batch's other writes when one op fails", async () => {
    const { store, schema, commits, dispose } = await openObserved();
    await store.createThread({ id: "t" });
    commits.length = 0;
    const results = await Promise.allSettled([
      store.appendQueuedTurn("t", "{}"),
      store.appendQueuedTurn("ghost", "{}"),
      store.appendQueuedTurn("t", "{not json"),
      store.appendQueuedTurn("t", "{}"),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    // Each failure rolls the batch back and reruns the rest (no savepoints): the two good ones commit together.
    expect(commits).toEqual([{ ops: 2, writes: 2 }]);
    const { rows } = await database().admin.query(
      `SELECT queue_order FROM ${pg.escapeIdentifier(schema)}.thread_queued_turns ORDER BY queue_order`,
    );
    expect(rows).toEqual([{ queue_order: "0" }, { queue_order: "1" }]);
    await dispose();
  });

  it("splits a burst larger than maxBatchSize into consecutive transactions", async () => {
    const { store, commits, dispose } = await openObserved({ maxBatchSize: 16 });
    await store.createThread({ id: "t" });
    commits.length = 0;
    const rows = await Promise.all(Array.from({ length: 40 }, () => store.appendQueuedTurn("t", "{}")));
    expect(commits.map((batch) => batch.writes)).toEqual([16, 16, 8]);
    expect(rows.map((row) => row.queueOrder)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    await dispose();
  });

  it("settles a write only when its whole batch has committed", async () => {
    const applicationName = "group-commit-settle";
    const { store, schema, dispose } = await openObserved({ applicationName });
    await store.createThread({ id: "t" });
    // Another session creates thread "late" without committing: the store's createThread of the
    // same id has to wait for it, in the middle of the batch.
    const other = await database().connect();
    await other.query("BEGIN");
    await other.query(`INSERT INTO ${pg.escapeIdentifier(schema)}.threads VALUES ('late', NULL, NULL, NULL, NULL, 0, 0)`);
    let appended = false;
    const append = store.appendQueuedTurn("t", "{}").then((row) => {
      appended = true;
      return row;
    });
    const create = store.createThread({ id: "late" });
    await waitUntil("the batch waits for the other session", () => waitsForLock(database().admin, { applicationName }));
    // The append has run, but its batch has not committed: not acknowledged, not visible.
    expect(appended).toBe(false);
    const count = () =>
      database().admin.query(`SELECT COUNT(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.thread_queued_turns`);
    expect((await count()).rows).toEqual([{ n: 0 }]);
    await other.query("ROLLBACK");
    await other.end();
    expect((await append).queueOrder).toBe(0);
    expect(await create).toMatchObject({ id: "late" });
    expect((await count()).rows).toEqual([{ n: 1 }]);
    await dispose();
  });
});
