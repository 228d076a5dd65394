/**
 * Who receives what: every subscriber of a thread gets its notifications, subject to the
 * experimental opt-in and the exact-name opt-out (SPEC §1, §3). Several clients on one
 * server need WebSocket.
 */
import { afterEach, describe, expect, it } from "vitest";
import { describeEachBackend } from "../support/backends.js";
import { createHarness, type Harness } from "../support/harness.js";
import { queueTurn, startThread } from "../support/scenario-helpers.js";

describeEachBackend("notification fan-out over WebSocket", (backend) => {
  let harness: Harness;
  afterEach(() => harness.dispose());

  it("sends thread/queue/changed to every subscribed client", async () => {
    harness = await createHarness("websocket", ["--turn-delay-ms", "60000"], backend);
    const a = await harness.connect();
    const b = await harness.connect();
    await a.initialize();
    await b.initialize();
    const threadId = await startThread(a);
    await b.client.request("thread/resume", { threadId });
    await b.next("thread/queue/changed"); // the resume snapshot
    const queued = await queueTurn(a, threadId, "for both");
    for (const client of [a, b]) {
      const changed = await client.next("thread/queue/changed", (p) => p.queuedTurns.length > 0);
      expect(changed).toEqual({ threadId, queuedTurns: [queued] });
    }
  });

  it("never sends experimental notifications to a client without experimentalApi", async () => {
    harness = await createHarness("websocket", [], backend);
    const owner = await harness.connect();
    const plain = await harness.connect();
    await owner.initialize();
    await plain.initialize({ experimentalApi: false });
    const threadId = await startThread(owner);
    await plain.client.request("thread/resume", { threadId });
    await queueTurn(owner, threadId, "hidden from plain");
    // The queued turn runs: the plain client sees the turn, never the queue.
    const done = await plain.next("turn/completed");
    expect(done.threadId).toBe(threadId);
    await owner.next("thread/queue/changed", (p) => p.queuedTurns.length === 0);
    await plain.settle();
    expect(plain.all("thread/queue/changed")).toEqual([]);
    expect(owner.all("thread/queue/changed").length).toBeGreaterThan(0);
  });

  it("honours optOutNotificationMethods by exact name", async () => {
    harness = await createHarness("websocket", [], backend);
    const client = await harness.connect();
    await client.initialize({ experimentalApi: true, optOutNotificationMethods: ["turn/started", "thread/queue"] });
    const threadId = await startThread(client);
    await queueTurn(client, threadId, "x");
    await client.next("turn/completed");
    await client.settle();
    expect(client.all("turn/started")).toEqual([]);
    // "thread/queue" is not an exact name, so changed notifications still arrive.
    expect(client.all("thread/queue/changed").length).toBeGreaterThan(0);
  });

  it("stops notifying a client that disconnected, and keeps serving the others", async () => {
    harness = await createHarness("websocket", [], backend);
    const leaving = await harness.connect();
    const staying = await harness.connect();
    await leaving.initialize();
    await staying.initialize();
    const threadId = await startThread(leaving);
    await staying.client.request("thread/resume", { threadId });
    await leaving.close();
    await queueTurn(staying, threadId, "after a disconnect");
    const done = await staying.next("turn/completed");
    expect(done.threadId).toBe(threadId);
  });
});
