import { expect, it } from "vitest";
import type { QueuedTurnRecord } from "../queue-store.js";
import type { PostgresQueueStore } from "./postgres-queue-store.js";
import { describeWithPostgres, type OpenedStore } from "./test-database.js";

/** Several stores on one schema, each with its own pool: server instances sharing a database. */
describeWithPostgres("PostgreSQL stores shared by several instances", (database) => {
  async function openInstances(count: number): Promise<{ stores: PostgresQueueStore[]; dispose(): Promise<void> }> {
    const schema = database().newSchema();
    const opened: OpenedStore[] = [];
    for (let i = 0; i < count; i++) opened.push(await database().openStore({ schema, applicationName: `instance-${i}` }));
    return {
      stores: opened.map((instance) => instance.store),
      dispose: async () => {
        for (const instance of opened) await instance.dispose();
      },
    };
  }

  it("racing claims of one thread from every instance have exactly one winner each round", async () => {
    const { stores, dispose } = await openInstances(4);
    const [first] = stores;
    if (!first) throw new Error("no instance");
    await first.createThread({ id: "t" });
    const rows: QueuedTurnRecord[] = [];
    for (let i = 0; i < 20; i++) rows.push(await first.appendQueuedTurn("t", JSON.stringify({ i })));
    const winners: string[] = [];
    for (let round = 0; round < rows.length; round++) {
      const claims = await Promise.all(stores.map((store) => store.claimHeadQueuedTurn("t")));
      const won = claims.filter((claim) => claim !== null);
      expect(won).toHaveLength(1);
      const claim = won[0];
      if (!claim) throw new Error("unreachable");
      winners.push(claim.queuedTurnId);
      // While claimed, nobody else can claim or see it.
      expect(await Promise.all(stores.map((store) => store.claimHeadQueuedTurn("t")))).toEqual([null, null, null, null]);
      await stores[round % stores.length]?.setDispatchTurnId(claim.queuedTurnId, `turn-${round}`);
      expect(await stores[(round + 1) % stores.length]?.removeDispatchingQueuedTurn("t", `turn-${round}`)).toBe(true);
    }
    expect(winners).toEqual(rows.map((row) => row.queuedTurnId));
    await dispose();
  });

  it("free-running dispatchers on every instance run each queued turn once, in FIFO order per thread", async () => {
    const { stores, dispose } = await openInstances(4);
    const threads = Array.from({ length: 8 }, (_, i) => `thread-${i}`);
    const perThread = 6;
    const appended = new Map<string, string[]>();
    // Appends come from every instance, interleaved, while the dispatchers already run.
    for (const thread of threads) {
      await stores[0]?.createThread({ id: thread });
      appended.set(thread, []);
    }
    const started = new Map<string, string[]>(threads.map((thread) => [thread, []]));
    const appending = Promise.all(
      threads.map(async (thread, t) => {
        for (let i = 0; i < perThread; i++) {
          const store = stores[(t + i) % stores.length];
          const row = await store?.appendQueuedTurn(thread, JSON.stringify({ thread, i }));
          if (row) appended.get(thread)?.push(row.queuedTurnId);
        }
      }),
    );
    let turnIds = 0;
    const dispatcher = async (store: PostgresQueueStore, thread: string) => {
      while ((started.get(thread)?.length ?? 0) < perThread) {
        const claim = await store.claimHeadQueuedTurn(thread);
        if (!claim) {
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        started.get(thread)?.push(claim.queuedTurnId);
        const turnId = `turn-${++turnIds}`;
        expect(await store.setDispatchTurnId(claim.queuedTurnId, turnId)).toBe(true);
        expect(await store.removeDispatchingQueuedTurn(thread, turnId)).toBe(true);
      }
    };
    await Promise.all([appending, ...stores.flatMap((store) => threads.map((thread) => dispatcher(store, thread)))]);
    for (const thread of threads) {
      expect(started.get(thread)).toEqual(appended.get(thread));
      expect(await stores[1]?.listVisibleQueuedTurns(thread)).toEqual([]);
    }
    await dispose();
  });

  it("concurrent appends to one thread from every instance get distinct consecutive positions", async () => {
    const { stores, dispose } = await openInstances(3);
    await stores[0]?.createThread({ id: "t" });
    const rows = (
      await Promise.all(stores.map((store) => Promise.all(Array.from({ length: 30 }, () => store.appendQueuedTurn("t", "{}")))))
    ).flat();
    expect(rows.map((row) => row.queueOrder).sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, n) => n));
    expect((await stores[2]?.listVisibleQueuedTurns("t"))?.map((row) => row.queuedTurnId).sort()).toEqual(
      rows.map((row) => row.queuedTurnId).sort(),
    );
    await dispose();
  });
});
