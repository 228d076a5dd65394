/**
 * Restart recovery (SPEC §3): a row left `dispatching` by a dead process becomes `failed`
 * with the recovery message when its thread is resumed, and blocks the queue (FIFO) until
 * deleted. Also: a thread persisted by one process is resumable by the next, with its queue.
 */
import { afterEach, describe, expect, it } from "vitest";
import { describeEachBackend } from "../support/backends.js";
import { createHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { agentText, listIds, queueTurn, startThread, textTurn } from "../support/scenario-helpers.js";

describeEachBackend("restart recovery", (backend) => describe.each(TRANSPORTS)("over %s", (kind) => {
  let harness: Harness;
  afterEach(() => harness.dispose());

  it("fails an abandoned dispatch on resume, blocks behind it, and drains once it is deleted", async () => {
    harness = await createHarness(kind, [], backend);
    const first = await harness.connect();
    await first.initialize();
    const threadId = await startThread(first);
    await harness.restart();

    // What a crash between claim and turn/started leaves behind.
    const store = await harness.openStore();
    const abandoned = await store.appendQueuedTurn(threadId, JSON.stringify(textTurn(threadId, "was running")));
    const waiting = await store.appendQueuedTurn(threadId, JSON.stringify(textTurn(threadId, "waits")));
    expect((await store.claimHeadQueuedTurn(threadId))?.queuedTurnId).toBe(abandoned.queuedTurnId);
    await store.close();

    const second = await harness.connect();
    await second.initialize();
    await second.client.request("thread/resume", { threadId });
    const snapshot = await second.next("thread/queue/changed");
    expect(snapshot.queuedTurns.map((t) => t.id)).toEqual([abandoned.queuedTurnId, waiting.queuedTurnId]);
    expect(snapshot.queuedTurns[0]?.status).toEqual({
      type: "failed",
      error: { message: "queued turn dispatch was interrupted while app-server restarted", codexErrorInfo: null, additionalDetails: null },
    });
    await second.settle();
    expect(second.all("turn/started")).toEqual([]);

    await second.client.request("thread/queue/delete", { threadId, queuedTurnId: abandoned.queuedTurnId });
    const done = await second.next("turn/completed");
    expect(agentText(done.turn)).toBe("waits");
    expect(await listIds(second, threadId)).toEqual([]);
  });

  it("keeps acknowledged queued turns across a clean restart and runs them after resume", async () => {
    harness = await createHarness(kind, ["--turn-delay-ms", "60000"], backend);
    const first = await harness.connect();
    await first.initialize();
    const threadId = await startThread(first);
    await first.client.request("turn/start", textTurn(threadId, "busy"));
    const kept = await queueTurn(first, threadId, "survives");
    await harness.restart();

    const second = await harness.connect();
    await second.initialize();
    // Not loaded in the new process yet, but persisted: list works, add works.
    expect(await listIds(second, threadId)).toEqual([kept.id]);
    await second.client.request("thread/resume", { threadId });
    const started = await second.next("turn/started");
    expect(started.threadId).toBe(threadId);
    expect(await listIds(second, threadId)).toEqual([]);
  });
}));
