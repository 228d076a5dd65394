/**
 * `dedupeRetentionMs` on every backend, with the store's clock under the test's control: a
 * dispatched row's clientUserMessageId is remembered for the window and forgotten after it (a
 * later add with the id queues a new row, whose own dispatch then replaces the old entry).
 */
import { describe, expect, it } from "vitest";
import { MemoryQueueStore } from "./memory/memory-queue-store.js";
import { describeWithPostgres } from "./postgres/test-database.js";
import type { QueueStore } from "./queue-store.js";
import { SqliteQueueStore } from "./sqlite/sqlite-queue-store.js";
import { tempDatabase } from "./sqlite/temp-db.js";

const PARAMS = '{"threadId":"t","input":[]}';
const RETENTION_MS = 60_000;

async function retentionScenario(open: (now: () => number) => Promise<{ store: QueueStore; dispose(): Promise<void> }>): Promise<void> {
  let clock = 1_000_000;
  const { store, dispose } = await open(() => clock);
  try {
    await store.createThread({ id: "t" });
    const dispatch = async (turnId: string) => {
      await store.claimHeadQueuedTurn("t", undefined, { dispatchTurnId: turnId });
      expect(await store.removeDispatchingQueuedTurn("t", turnId)).toBe(true);
    };
    const first = await store.appendQueuedTurn("t", PARAMS, { clientUserMessageId: "kept" });
    await dispatch("turn-1");
    clock += RETENTION_MS - 1;
    expect(await store.appendQueuedTurn("t", PARAMS, { clientUserMessageId: "kept" })).toMatchObject({ queuedTurnId: first.queuedTurnId, replayed: "dispatched" });
    clock += 2;
    const second = await store.appendQueuedTurn("t", PARAMS, { clientUserMessageId: "kept" });
    expect(second.replayed).toBeUndefined();
    expect(second.queuedTurnId).not.toBe(first.queuedTurnId);
    await dispatch("turn-2");
    expect(await store.appendQueuedTurn("t", PARAMS, { clientUserMessageId: "kept" })).toMatchObject({ queuedTurnId: second.queuedTurnId, replayed: "dispatched" });
  } finally {
    await dispose();
  }
}

describe("dedupe retention of dispatched clientUserMessageIds", () => {
  it("memory", async () => {
    await retentionScenario(async (now) => ({ store: new MemoryQueueStore({ now, dedupeRetentionMs: RETENTION_MS }), dispose: async () => undefined }));
  });

  it("SQLite", async () => {
    const db = tempDatabase();
    await retentionScenario(async (now) => {
      const store = await SqliteQueueStore.open({ path: db.path, now, dedupeRetentionMs: RETENTION_MS });
      return { store, dispose: async () => (await store.close(), db.remove()) };
    });
  });
});

describeWithPostgres("dedupe retention of dispatched clientUserMessageIds on PostgreSQL", (database) => {
  it("PostgreSQL", async () => {
    await retentionScenario(async (now) => database().openStore({ now, dedupeRetentionMs: RETENTION_MS }));
  });
});
