/**
 * SPEC §5's integration scenarios (the seed's thread_queue.rs) and the rest of issue 3's
 * list, driven through the real server process, once per transport and storage backend.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ThreadQueueListResponse } from "../../generated/types/v2/index.js";
import { describeEachBackend } from "../support/backends.js";
import { createHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { agentText, listIds, queueTurn, rpcFailure, startThread, textTurn } from "../support/scenario-helpers.js";

describeEachBackend("queue scenarios", (backend) => describe.each(TRANSPORTS)("over %s", (kind) => {
  let harness: Harness | undefined;
  const open = async (args: readonly string[] = []) => {
    harness = await createHarness(kind, args, backend);
    const client = await harness.connect();
    await client.initialize();
    return client;
  };
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it("idle add dispatches the stored turn and drains the visible queue, twice", async () => {
    const client = await open();
    const threadId = await startThread(client);

    const first = await queueTurn(client, threadId, "queued one");
    expect(first.status).toEqual({ type: "pending" });
    expect(first.turnStartParams.input).toEqual([{ type: "text", text: "queued one", text_elements: [] }]);
    expect((await client.next("thread/queue/changed")).queuedTurns.map((t) => t.id)).toEqual([first.id]);
    expect((await client.next("thread/queue/changed")).queuedTurns).toEqual([]);
    const started = await client.next("turn/started");
    const completed = await client.next("turn/completed", (p) => p.turn.id === started.turn.id);
    expect(completed.turn.status).toBe("completed");
    expect(agentText(completed.turn)).toBe("queued one");

    const second = await queueTurn(client, threadId, "queued two");
    expect((await client.next("thread/queue/changed")).queuedTurns.map((t) => t.id)).toEqual([second.id]);
    expect((await client.next("thread/queue/changed")).queuedTurns).toEqual([]);
    const done = await client.next("turn/completed");
    expect(agentText(done.turn)).toBe("queued two");
    expect(await listIds(client, threadId)).toEqual([]);
  });

  it("rejects queued turns on ephemeral threads with the seed's message", async () => {
    const client = await open();
    const threadId = await startThread(client, true);
    const failure = await rpcFailure(queueTurn(client, threadId, "nope"));
    expect(failure).toMatchObject({ code: -32600, message: `ephemeral thread does not support queued turns: ${threadId}` });
  });

  it("on a busy thread supports list with pagination, reorder and delete, and runs nothing", async () => {
    const client = await open(["--turn-delay-ms", "60000"]);
    const threadId = await startThread(client);
    const { turn } = await client.client.request("turn/start", textTurn(threadId, "long direct turn"));
    await client.next("turn/started", (p) => p.turn.id === turn.id);
    const a = await queueTurn(client, threadId, "a");
    const b = await queueTurn(client, threadId, "b");
    const c = await queueTurn(client, threadId, "c");

    const page1 = await client.client.request("thread/queue/list", { threadId, limit: 1 });
    expect(page1.data.map((t) => t.id)).toEqual([a.id]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await client.client.request("thread/queue/list", { threadId, limit: 1, cursor: page1.nextCursor });
    expect(page2.data.map((t) => t.id)).toEqual([b.id]);
    const last = await client.client.request("thread/queue/list", { threadId, limit: 5, cursor: page2.nextCursor });
    expect(last.data.map((t) => t.id)).toEqual([c.id]);
    expect(last.nextCursor).toBeNull();

    const reordered = await client.client.request("thread/queue/reorder", { threadId, queuedTurnIds: [c.id, a.id, b.id] });
    expect(reordered.queuedTurns.map((t) => t.id)).toEqual([c.id, a.id, b.id]);
    expect((await client.next("thread/queue/changed", (p) => p.queuedTurns[0]?.id === c.id)).queuedTurns.map((t) => t.id)).toEqual([c.id, a.id, b.id]);

    expect(await client.client.request("thread/queue/delete", { threadId, queuedTurnId: a.id })).toEqual({ deleted: true });
    expect((await client.next("thread/queue/changed", (p) => p.queuedTurns.length === 2)).queuedTurns.map((t) => t.id)).toEqual([c.id, b.id]);
    expect(await listIds(client, threadId)).toEqual([c.id, b.id]);
    await client.settle();
    expect(client.all("turn/started").map((p) => p.turn.id)).toEqual([turn.id]);
  });

  it("keeps queued turns serial after the first dispatch starts", async () => {
    const client = await open(["--turn-delay-ms", "300"]);
    const threadId = await startThread(client);
    await queueTurn(client, threadId, "first");
    await queueTurn(client, threadId, "second");
    const firstStarted = await client.next("turn/started");
    const firstDone = await client.next("turn/completed");
    const secondStarted = await client.next("turn/started");
    const secondDone = await client.next("turn/completed");
    expect(firstDone.turn.id).toBe(firstStarted.turn.id);
    expect(agentText(firstDone.turn)).toBe("first");
    expect(agentText(secondDone.turn)).toBe("second");
    expect(secondStarted.turn.id).toBe(secondDone.turn.id);
    // Order of arrival: the second start only after the first completion.
    const order = client.notifications.filter((n) => n.method === "turn/started" || n.method === "turn/completed").map((n) => n.method);
    expect(order).toEqual(["turn/started", "turn/completed", "turn/started", "turn/completed"]);
  });

  it("makes a queued turn wait for a just-accepted direct turn/start", async () => {
    const client = await open(["--turn-delay-ms", "200"]);
    const threadId = await startThread(client);
    // Pipelined: the add arrives while the direct turn is accepted but not yet started.
    const direct = client.client.request("turn/start", textTurn(threadId, "direct"));
    const queued = queueTurn(client, threadId, "follow-up");
    const { turn } = await direct;
    await queued;
    const firstStart = await client.next("turn/started");
    expect(firstStart.turn.id).toBe(turn.id);
    const directDone = await client.next("turn/completed");
    expect(directDone.turn.id).toBe(turn.id);
    const followUp = await client.next("turn/completed");
    expect(agentText(followUp.turn)).toBe("follow-up");
  });

  it("drains a queued turn after a direct turn has already completed", async () => {
    const client = await open();
    const threadId = await startThread(client);
    const { turn } = await client.client.request("turn/start", textTurn(threadId, "direct"));
    await client.next("turn/completed", (p) => p.turn.id === turn.id);
    await queueTurn(client, threadId, "after");
    const done = await client.next("turn/completed", (p) => p.turn.id !== turn.id);
    expect(agentText(done.turn)).toBe("after");
  });

  it("paginates to the last page and rejects an invalid cursor", async () => {
    const client = await open(["--turn-delay-ms", "60000"]);
    const threadId = await startThread(client);
    await client.client.request("turn/start", textTurn(threadId, "busy"));
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await queueTurn(client, threadId, `row ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ThreadQueueListResponse = await client.client.request("thread/queue/list", { threadId, limit: 3, cursor });
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor ?? null;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    // limit is clamped, not rejected
    expect((await client.client.request("thread/queue/list", { threadId, limit: 0 })).data).toHaveLength(1);
    expect((await client.client.request("thread/queue/list", { threadId })).data).toHaveLength(7);
    const failure = await rpcFailure(client.client.request("thread/queue/list", { threadId, cursor: "not-a-cursor" }));
    expect(failure).toMatchObject({ code: -32600, message: "invalid cursor: not-a-cursor" });
  });

  it("rejects reorders that are not a permutation of the visible queue, and reports unknown deletes", async () => {
    const client = await open(["--turn-delay-ms", "60000"]);
    const threadId = await startThread(client);
    await client.client.request("turn/start", textTurn(threadId, "busy"));
    const a = await queueTurn(client, threadId, "a");
    const b = await queueTurn(client, threadId, "b");
    const message = "failed to reorder queued turns: queue reorder must include every visible queued turn exactly once";
    for (const queuedTurnIds of [[a.id], [a.id, b.id, "extra"], [a.id, a.id, b.id], [a.id, a.id]]) {
      expect(await rpcFailure(client.client.request("thread/queue/reorder", { threadId, queuedTurnIds }))).toMatchObject({ code: -32600, message });
    }
    expect(await listIds(client, threadId)).toEqual([a.id, b.id]);
    expect(await client.client.request("thread/queue/delete", { threadId, queuedTurnId: "01a21800-0000-7000-8000-000000000000" })).toEqual({ deleted: false });
    expect(await listIds(client, threadId)).toEqual([a.id, b.id]);
  });

  it("fails a queued turn that cannot start, blocks the queue behind it until it is deleted", async () => {
    const client = await open();
    const threadId = await startThread(client);
    const missing = join(tmpdir(), "thread-queue-no-such-dir", "x");
    const bad = await queueTurn(client, threadId, "bad cwd", { cwd: missing });
    const failed = await client.next("thread/queue/changed", (p) => p.queuedTurns[0]?.status.type === "failed");
    expect(failed.queuedTurns[0]?.id).toBe(bad.id);
    const status = failed.queuedTurns[0]?.status;
    expect(status?.type === "failed" ? status.error.message : "").toBe(`queued turn could not start: cwd is not an existing directory: ${missing}`);

    const blocked = await queueTurn(client, threadId, "waits");
    await client.settle();
    expect(client.all("turn/started")).toEqual([]);
    expect(await listIds(client, threadId)).toEqual([bad.id, blocked.id]);

    await client.client.request("thread/queue/delete", { threadId, queuedTurnId: bad.id });
    const done = await client.next("turn/completed");
    expect(agentText(done.turn)).toBe("waits");
  });

  it("answers turn/start with an error when the cwd is unusable", async () => {
    const client = await open();
    const threadId = await startThread(client);
    const failure = await rpcFailure(client.client.request("turn/start", textTurn(threadId, "x", { cwd: "relative/dir" })));
    expect(failure).toMatchObject({ code: -32600, message: "turn could not start: cwd is not an absolute path: relative/dir" });
  });

  it("interrupts a running turn and then drains the queue", async () => {
    const client = await open(["--turn-delay-ms", "60000"]);
    const threadId = await startThread(client);
    const { turn } = await client.client.request("turn/start", textTurn(threadId, "long"));
    await client.next("turn/started", (p) => p.turn.id === turn.id);
    await queueTurn(client, threadId, "next");
    await client.client.request("turn/interrupt", { threadId, turnId: turn.id });
    const interrupted = await client.next("turn/completed", (p) => p.turn.id === turn.id);
    expect(interrupted.turn.status).toBe("interrupted");
    const queuedStart = await client.next("turn/started", (p) => p.turn.id !== turn.id);
    expect(queuedStart.threadId).toBe(threadId);
  });

  it("enforces the turn input size limit on thread/queue/add as on turn/start", async () => {
    const client = await open(["--max-input-chars", "10"]);
    const threadId = await startThread(client);
    const tooLong = "😀".repeat(11); // 11 characters, 22 UTF-16 units
    for (const request of [
      client.client.request("turn/start", textTurn(threadId, tooLong)),
      queueTurn(client, threadId, tooLong),
    ]) {
      expect(await rpcFailure(request)).toMatchObject({
        code: -32602,
        message: "Input exceeds the maximum length of 10 characters.",
        data: { input_error_code: "input_too_large", actual_chars: 11, max_chars: 10 },
      });
    }
    expect((await queueTurn(client, threadId, "😀".repeat(10))).status.type).toBe("pending");
  });
}));
