import pg from "pg";
import { expect, it } from "vitest";
import { isStoreUnavailableError, StoreUnavailableError } from "./errors.js";
import { FreezableProxy } from "./tcp-proxy.js";
import { describeWithPostgres, waitsForLock, waitUntil } from "./test-database.js";

/** Ops during an outage reject with StoreUnavailableError instead of hanging; afterwards the pool reconnects. */
describeWithPostgres("PostgreSQL outages", (database) => {
  const backendsOf = async (applicationName: string) =>
    (
      await database().admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        [applicationName],
      )
    ).rows.map((row) => row.pid);
  const terminate = (applicationName: string) =>
    database().admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
      [applicationName],
    );
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it("an op whose connection is terminated mid-batch rejects as unavailable; the next op reconnects", async () => {
    const applicationName = "outage-terminated";
    const { store, schema, dispose } = await database().openStore({ applicationName });
    await store.createThread({ id: "t" });
    const first = await store.appendQueuedTurn("t", "{}");
    // Keep the next batch busy (waiting for another session) so that it is mid-flight when cut.
    const other = await database().connect();
    await other.query("BEGIN");
    await other.query(`INSERT INTO ${pg.escapeIdentifier(schema)}.threads VALUES ('late', NULL, NULL, NULL, NULL, 0, 0)`);
    const append = rejection(store.appendQueuedTurn("t", "{}"));
    const create = rejection(store.createThread({ id: "late" }));
    await waitUntil("the batch waits", () => waitsForLock(database().admin, { applicationName }));
    await terminate(applicationName);

    for (const error of [await append, await create]) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toBe(
        "PostgreSQL queue store is unavailable: terminating connection due to administrator command (57P01)",
      );
    }
    await other.query("ROLLBACK");
    await other.end();
    // Nothing of the lost batch was kept; the store works again on a new connection.
    const next = await store.appendQueuedTurn("t", "{}");
    expect(next.queueOrder).toBe(1);
    expect((await store.listVisibleQueuedTurns("t")).map((row) => row.queuedTurnId)).toEqual([first.queuedTurnId, next.queuedTurnId]);
    expect(await store.createThread({ id: "late" })).toMatchObject({ id: "late" });
    await dispose();
  });

  it("idle connections the server ended are replaced without failing the next read or write", async () => {
    const applicationName = "outage-idle";
    const idleErrors: Error[] = [];
    const { store, dispose } = await database().openStore({ applicationName, poolSize: 3, onConnectionError: (e) => idleErrors.push(e) });
    await store.createThread({ id: "t" });
    for (const op of ["read", "write"] as const) {
      await terminate(applicationName);
      await waitUntil("the server ended the sessions", async () => (await backendsOf(applicationName)).length === 0);
      if (op === "read") expect(await store.getThread("t")).toMatchObject({ id: "t" });
      else expect((await store.appendQueuedTurn("t", "{}")).queueOrder).toBe(0);
    }
    expect(idleErrors.every((error) => /terminating connection|Connection terminated/.test(error.message))).toBe(true);
    await dispose();
  });

  it("a pooled connection that died unnoticed is replaced without failing the next read or write", async () => {
    const proxy = await FreezableProxy.start(database().url);
    const { store, dispose } = await database().openStore({ connectionString: proxy.url });
    try {
      await store.createThread({ id: "t" });
      proxy.severQuietly();
      expect(await store.getThread("t")).toMatchObject({ id: "t" });
      proxy.severQuietly();
      expect((await store.appendQueuedTurn("t", "{}")).queueOrder).toBe(0);
    } finally {
      await dispose();
      await proxy.close();
    }
  });

  it("while the database refuses connections ops reject as unavailable; once it accepts them again they succeed", async () => {
    const applicationName = "outage-refused";
    const { store, dispose } = await database().openStore({ applicationName });
    await store.createThread({ id: "t" });
    const name = pg.escapeIdentifier(database().name);
    // On the server's own database: a database cannot refuse connections from within itself.
    const operator = new pg.Client({ connectionString: database().serverUrl });
    await operator.connect();
    await operator.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    try {
      await terminate(applicationName);
      await waitUntil("the server ended the sessions", async () => (await backendsOf(applicationName)).length === 0);
      for (const op of [store.appendQueuedTurn("t", "{}"), store.listVisibleQueuedTurns("t")]) {
        const error = await rejection(op);
        expect(isStoreUnavailableError(error)).toBe(true);
        expect((error as Error).message).toContain("is not currently accepting connections");
      }
    } finally {
      await operator.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await operator.end();
    }
    expect((await store.appendQueuedTurn("t", "{}")).queueOrder).toBe(0);
    await dispose();
  });

  it("a link that goes silent fails ops after the query and connect timeouts, and the store recovers when it is back", async () => {
    const proxy = await FreezableProxy.start(database().url);
    const { store, dispose } = await database().openStore({
      connectionString: proxy.url,
      connectionTimeoutMs: 300,
      statementTimeoutMs: 300,
      queryTimeoutMs: 400,
    });
    try {
      await store.createThread({ id: "t" });
      const kept = await store.appendQueuedTurn("t", "{}");
      proxy.freeze();
      const lostWrite = await rejection(store.appendQueuedTurn("t", "{}"));
      expect(isStoreUnavailableError(lostWrite)).toBe(true);
      expect((lostWrite as Error).message).toMatch(/Query read timeout|connection timeout|timeout exceeded when trying to connect/);
      const lostRead = await rejection(store.listVisibleQueuedTurns("t"));
      expect(isStoreUnavailableError(lostRead)).toBe(true);
      proxy.thaw();
      const next = await store.appendQueuedTurn("t", "{}");
      expect((await store.listVisibleQueuedTurns("t")).map((row) => row.queuedTurnId)).toEqual([kept.queuedTurnId, next.queuedTurnId]);
    } finally {
      await dispose();
      await proxy.close();
    }
  });
});
