import pg from "pg";
import { beforeAll, expect, it } from "vitest";
import type { CommittedBatch } from "./postgres-queue-store.js";
import { describeWithPostgres, waitsForLock, waitUntil, type TestDatabase } from "./test-database.js";

/**
 * Batches of the store lock their threads in id order, so they never deadlock each other; a
 * writer outside the store still can. PostgreSQL then aborts one side (the session whose
 * deadlock_timeout expires once the cycle exists): here the store's sessions check after 20ms
 * and the outside sessions after 10s, so the store is the victim and must run the lost work
 * again once its locks are gone — without reporting an error.
 */
describeWithPostgres("PostgreSQL deadlock victims", (database) => {
  beforeAll(async () => {
    // Applies to sessions opened afterwards: the stores' pools below.
    await database().admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database().name)} SET deadlock_timeout = '20ms'`);
  });

  async function outsider(db: TestDatabase, schema: string) {
    const client = await db.connect();
    await client.query("SET deadlock_timeout = '10s'");
    await client.query(`SET search_path = ${pg.escapeIdentifier(schema)}`);
    await client.query("BEGIN");
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid ?? -1;
    return { client, waiting: () => waitsForLock(db.admin, { pid }) };
  }

  it("runs the whole batch again when its up-front thread lock is the victim", async () => {
    const applicationName = "deadlock-batch";
    const commits: CommittedBatch[] = [];
    const { store, schema, dispose } = await database().openStore({ applicationName, onBatchCommit: (b) => commits.push(b) });
    for (const id of ["t0", "t1", "t2"]) await store.createThread({ id });
    commits.length = 0;
    const a = await outsider(database(), schema);
    const b = await outsider(database(), schema);
    await b.client.query("SELECT id FROM threads WHERE id = 't1' FOR UPDATE");
    await a.client.query("SELECT id FROM threads WHERE id = 't2' FOR UPDATE");

    // The batch locks t0, then waits for t1 (held by b).
    const appends = Promise.allSettled(["t0", "t1", "t2"].map((id) => store.appendQueuedTurn(id, "{}")));
    await waitUntil("the batch waits for t1", () => waitsForLock(database().admin, { applicationName }));
    // a waits for t0 (held by the batch); once b lets go, the batch waits for t2 (held by a): a cycle.
    const aGetsT0 = a.client.query("SELECT id FROM threads WHERE id = 't0' FOR UPDATE");
    await waitUntil("a waits for t0", a.waiting);
    await b.client.query("COMMIT");
    // a can only get t0 if the store's transaction gave it up.
    await aGetsT0;
    await a.client.query("COMMIT");
    const results = await appends;
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(commits).toEqual([{ ops: 3, writes: 3 }]);
    await Promise.all([a.client.end(), b.client.end()]);
    await dispose();
  });

  it("runs one op again in the next batch when it is the victim, committing the others", async () => {
    const applicationName = "deadlock-op";
    const commits: CommittedBatch[] = [];
    const { store, schema, dispose } = await database().openStore({ applicationName, onBatchCommit: (b) => commits.push(b) });
    for (const id of ["t0", "t1"]) await store.createThread({ id });
    const head = await store.appendQueuedTurn("t1", "{}");
    commits.length = 0;
    const a = await outsider(database(), schema);
    const b = await outsider(database(), schema);
    // a holds t1's head row (not the thread); b an uncommitted thread the batch will try to create.
    await a.client.query("SELECT 1 FROM thread_queued_turns WHERE queued_turn_id = $1 FOR UPDATE", [head.queuedTurnId]);
    await b.client.query("INSERT INTO threads VALUES ('late', NULL, NULL, NULL, NULL, 0, 0)");

    const append = store.appendQueuedTurn("t0", "{}");
    const create = store.createThread({ id: "late" });
    const claim = store.claimHeadQueuedTurn("t1");
    await waitUntil("the batch waits for b", () => waitsForLock(database().admin, { applicationName }));
    const aGetsT0 = a.client.query("SELECT id FROM threads WHERE id = 't0' FOR UPDATE");
    await waitUntil("a waits for t0", a.waiting);
    // The create goes ahead; the claim then waits for a's row while a waits for the batch's t0.
    await b.client.query("ROLLBACK");
    await aGetsT0;
    await a.client.query("COMMIT");

    expect((await append).queueOrder).toBe(0);
    expect(await create).toMatchObject({ id: "late" });
    expect((await claim)?.queuedTurnId).toBe(head.queuedTurnId);
    // The victim's batch was rolled back whole; all three ran again together, and committed once.
    expect(commits).toEqual([{ ops: 3, writes: 3 }]);
    await Promise.all([a.client.end(), b.client.end()]);
    await dispose();
  });
});
