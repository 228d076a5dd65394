/**
 * Turn events on SQLite: rows other stores on the file read when it changed. A store alone on
 * its file writes none (nobody could read them); with another store registered on the file its
 * events are written and that store's change feed reports them, in order; once the other store
 * closed, nothing is written again.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueChange, TurnEvent } from "../queue-store.js";
import { SqliteQueueStore } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

const event = (n: number): TurnEvent => ({ threadId: "t", method: "turn/started", paramsJson: `{"n":${n}}` });

describe("SQLite turn events", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("are written only while another store has the file open, and reach it in order", async () => {
    const db = tempDatabase();
    cleanups.push(() => db.remove());
    const alone = await SqliteQueueStore.open({ path: db.path, changePollIntervalMs: 20 });
    cleanups.push(() => alone.close());
    const stored = () => {
      const raw = new Database(db.path, { readonly: true });
      try {
        return (raw.prepare("SELECT COUNT(*) AS n FROM thread_turn_events").get() as { n: number }).n;
      } finally {
        raw.close();
      }
    };
    await alone.publishTurnEvent(event(0));
    expect(stored()).toBe(0);

    const other = await SqliteQueueStore.open({ path: db.path, changePollIntervalMs: 20 });
    const heard: QueueChange[] = [];
    const stop = other.subscribeQueueChanges((change) => heard.push(change));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await alone.publishTurnEvent(event(1));
    await alone.publishTurnEvent(event(2));
    expect(stored()).toBe(2);
    await expect
      .poll(() => heard.flatMap((change) => (change.type === "turnEvent" ? [change.paramsJson] : [])), { timeout: 5_000, interval: 20 })
      .toEqual(['{"n":1}', '{"n":2}']);
    stop();
    await other.close();

    await alone.publishTurnEvent(event(3));
    expect(stored()).toBe(2);
  });
});
