/**
 * ThreadQueues and its per-thread state machine against the in-memory store (no process, no
 * database): what a subscribed client sees and in which order, what the store is asked, and
 * which state each thread's queue is in.
 */
import { describe, expect, it } from "vitest";
import { MemoryDatabase } from "../store/memory/memory-queue-store.js";
import { QueueStoreError, type QueueStore } from "../store/queue-store.js";
import { QueueInstance, params } from "./queue-test-harness.js";
import { RESTART_INTERRUPTED_MESSAGE } from "./stored-params.js";

const T = "thread-1";

/** Lets queued callbacks run without waiting for work that cannot finish yet. */
async function ticks(count = 20): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Counts the store operations an instance asks for, by method. */
function counting(): { calls: Map<string, number>; fault: (method: keyof QueueStore) => undefined } {
  const calls = new Map<string, number>();
  return { calls, fault: (method) => void calls.set(method, (calls.get(method) ?? 0) + 1) };
}

describe("ThreadQueues", () => {
  it("answers an add, then sends its changed, then claims and starts the head with the stored params", async () => {
    const node = new QueueInstance();
    await node.startThread(T);
    const reply = node.reply("add one");
    const added = node.queues.add(T, params(T, "one"), reply);
    const row = await added;
    await ticks();
    // Nothing is sent before the response: the add's snapshot, and the claim's behind it, wait.
    expect(node.subscriber.seen).toEqual([]);
    expect(node.queues.stateOf(T)).toBe("dispatching");
    await reply.respond();
    await node.settle();
    expect(node.subscriber.seen.map((each) => each.kind)).toEqual(["response", "changed", "changed", "started"]);
    expect(node.subscriber.changed(T).map((each) => each.ids)).toEqual([[row.id], []]);
    expect(node.subscriber.startedTexts(T)).toEqual(["one"]);
    expect(node.runner.requests[0]?.params).toEqual(params(T, "one"));
    expect(node.queues.stateOf(T)).toBe("idle");
    // The started row is gone from the store; the queue is empty.
    expect(await node.store.readQueueSnapshot(T)).toMatchObject({ rows: [] });
  });

  it("sends one changed per add of a burst, in commit order, and runs the turns one at a time", async () => {
    const node = new QueueInstance();
    await node.startThread(T);
    const replies = ["a", "b", "c", "d"].map((text) => ({ text, reply: node.reply(`add ${text}`) }));
    const rows = await Promise.all(replies.map(({ text, reply }) => node.queues.add(T, params(T, text), reply)));
    for (const { reply } of replies) await reply.respond();
    await node.settle();
    const [a, b, c, d] = rows.map((row) => row.id);
    // a was claimed as soon as it committed; its claim's snapshot waited behind the adds' ones.
    expect(node.subscriber.changed(T).map((each) => each.ids)).toEqual([[a], [a, b], [a, b, c], [a, b, c, d], [b, c, d]]);
    expect(node.subscriber.startedTexts(T)).toEqual(["a"]);
    expect(node.queues.stateOf(T)).toBe("waiting");
    for (const expected of [["b"], ["b", "c"], ["b", "c", "d"]]) {
      node.runner.end();
      await node.settle();
      expect(node.subscriber.startedTexts(T)).toEqual(["a", ...expected]);
    }
    node.runner.end();
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("idle");
    expect(node.subscriber.changed(T).at(-1)?.ids).toEqual([]);
  });

  it("keeps the view in memory: a claim reads nothing, a list reads only the version", async () => {
    const { calls, fault } = counting();
    const node = new QueueInstance({ fault });
    await node.startThread(T);
    const busy = await node.directTurn(T, "busy");
    await node.settle();
    for (const text of ["a", "b", "c"]) await node.add(T, text);
    const listed = await node.queues.list(T, { limit: 2 });
    expect(listed.data.map((row) => row.turnStartParams.input)).toEqual([params(T, "a").input, params(T, "b").input]);
    const rest = await node.queues.list(T, { cursor: listed.nextCursor, limit: 2 });
    expect(rest.data.map((row) => row.id)).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    node.runner.end(busy);
    await node.settle();
    expect(node.subscriber.startedTexts(T)).toEqual(["busy", "a"]);
    expect(calls.get("readQueueSnapshot") ?? 0).toBe(0);
    expect(calls.get("listVisibleQueuedTurns") ?? 0).toBe(0);
    expect(calls.get("listVisibleQueuedTurnsPage") ?? 0).toBe(0);
    expect(calls.get("readQueueVersions")).toBe(2);
    // And the view agrees with the store.
    expect((await node.queues.list(T, {})).data.map((row) => row.id)).toEqual((await node.store.listVisibleQueuedTurns(T)).map((row) => row.queuedTurnId));
  });

  it("waits for a running direct turn, and for an accepted one that has not started yet", async () => {
    const node = new QueueInstance();
    const thread = await node.startThread(T);
    const direct = await node.directTurn(T, "direct");
    expect(thread.pendingTurnStarts.has(direct)).toBe(true);
    await node.add(T, "queued");
    expect(node.queues.stateOf(T)).toBe("waiting");
    await node.settle();
    expect(node.subscriber.startedTexts(T)).toEqual(["direct"]);
    node.runner.end(direct);
    await node.settle();
    expect(node.subscriber.startedTexts(T)).toEqual(["direct", "queued"]);
  });

  it("fails a turn that cannot start at its place, blocks the queue, and drains once it is deleted", async () => {
    const node = new QueueInstance();
    await node.startThread(T);
    node.runner.refuse = (request) => (request.params.input[0]?.type === "text" && request.params.input[0].text === "bad" ? "no such cwd" : undefined);
    const bad = await node.add(T, "bad");
    const next = await node.add(T, "next");
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("blocked");
    const failed = await node.store.listVisibleQueuedTurns(T);
    expect(failed.map((row) => [row.queuedTurnId, row.state])).toEqual([
      [bad.id, "failed"],
      [next.id, "pending"],
    ]);
    expect(JSON.parse(failed[0]?.failureJson ?? "null")).toMatchObject({ message: "queued turn could not start: no such cwd" });
    expect(node.subscriber.changed(T).at(-1)).toMatchObject({ ids: [bad.id, next.id], statuses: ["failed", "pending"] });
    const reply = node.reply("delete bad");
    expect(await node.queues.delete(T, bad.id, reply)).toBe(true);
    await reply.respond();
    await node.settle();
    expect(node.subscriber.startedTexts(T)).toEqual(["next"]);
  });

  it("fails a row whose stored params are unreadable", async () => {
    const node = new QueueInstance();
    await node.startThread(T);
    await node.directTurn(T, "busy");
    // Written by something else than this server: valid JSON, not TurnStartParams.
    await node.store.appendQueuedTurn(T, '{"threadId":"thread-1","input":"not a list"}');
    node.queues.onQueueChange({ type: "resync", reason: "test" });
    await node.settle();
    node.runner.end();
    await node.settle();
    const [row] = await node.store.listVisibleQueuedTurns(T);
    expect(row?.state).toBe("failed");
    expect(JSON.parse(row?.failureJson ?? "null").message).toMatch(/^queued turn payload could not be read: \/input /);
  });

  it("answers with the seed's errors and changes nothing", async () => {
    const node = new QueueInstance({ maxQueueLength: 1, maxInputChars: 3 });
    await node.startThread(T);
    await node.directTurn(T, "busy");
    const reply = node.reply("bad");
    await expect(node.queues.add(T, params("other", "x"), reply)).rejects.toMatchObject({ code: "thread_mismatch" });
    await expect(node.queues.add("missing", params("missing", "x"), reply)).rejects.toMatchObject({ code: "thread_not_found", message: "thread not found: missing" });
    await expect(node.queues.add("missing", params("missing", "too long"), reply)).rejects.toMatchObject({ code: "thread_not_found" });
    await expect(node.queues.add(T, params(T, "too long"), reply)).rejects.toMatchObject({ code: -32602 });
    await node.add(T, "ok");
    await expect(node.queues.add(T, params(T, "two"), reply)).rejects.toMatchObject({
      code: "queue_full",
      message: `queue is full: thread ${T} already holds 1 queued turns`,
    });
    await expect(node.queues.reorder(T, ["nope"], reply)).rejects.toMatchObject({
      code: "reorder_failed",
      message: "failed to reorder queued turns: queue reorder must include every visible queued turn exactly once",
    });
    await expect(node.queues.list(T, { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "invalid_cursor", message: "invalid cursor: not-a-cursor" });
    expect(await node.queues.delete(T, "no-such-row", reply)).toBe(false);
    await reply.respond();
    await node.settle();
    expect(node.subscriber.changed(T)).toHaveLength(1);
  });

  it("re-reads the queue when another instance changed it, once per burst, and dispatches what it added", async () => {
    const database = new MemoryDatabase();
    const { calls, fault } = counting();
    const holder = new QueueInstance({ database, ownerId: "holder", fault });
    const other = new QueueInstance({ database, ownerId: "other" });
    await holder.startThread(T);
    await holder.directTurn(T, "busy");
    await other.resume(T);
    await holder.settle();
    expect(other.queues.stateOf(T)).toBe("following");
    const rows = [await other.add(T, "x"), await other.add(T, "y")];
    await holder.settle();
    await other.settle();
    const ids = rows.map((row) => row.id);
    expect(holder.subscriber.changed(T).at(-1)?.ids).toEqual(ids);
    expect(other.subscriber.changed(T).map((each) => each.ids)).toEqual([[], [ids[0]], ids]);
    expect(calls.get("readQueueSnapshot") ?? 0).toBeLessThanOrEqual(2);
    holder.runner.end();
    await holder.settle();
    await other.settle();
    expect(holder.subscriber.startedTexts(T)).toEqual(["busy", "x"]);
    expect(other.subscriber.startedTexts(T)).toEqual([]);
    expect(other.subscriber.changed(T).at(-1)?.ids).toEqual([ids[1]]);
    // A direct turn on the follower is refused: the thread runs on the holder.
    await expect(other.directTurn(T, "here?")).rejects.toMatchObject({ code: "active_elsewhere" });
  });

  it("serves list from the store's version: a change another instance made is never hidden", async () => {
    const database = new MemoryDatabase();
    const here = new QueueInstance({ database, ownerId: "here" });
    await here.startThread(T);
    await here.directTurn(T, "busy");
    const peer = new QueueInstance({ database, ownerId: "peer" });
    // Written through a peer whose notification has not arrived yet (the list runs first).
    const row = await peer.store.appendQueuedTurn(T, JSON.stringify(params(T, "remote")));
    expect((await here.queues.list(T, {})).data.map((each) => each.id)).toEqual([row.queuedTurnId]);
  });

  it("owes a resync whose re-read failed and does it on the next lease tick", async () => {
    let failVersionReads = 0;
    const database = new MemoryDatabase();
    const node = new QueueInstance({
      database,
      fault: (method) => (method === "readQueueVersions" && failVersionReads-- > 0 ? { error: new QueueStoreError("unavailable", "down") } : undefined),
    });
    await node.startThread(T);
    await node.directTurn(T, "busy");
    const peer = new QueueInstance({ database, ownerId: "peer" });
    // Changes the feed did not report (its link was down), then the resync's read fails too.
    database.stores.delete(node.store);
    const row = await peer.store.appendQueuedTurn(T, JSON.stringify(params(T, "missed")));
    database.stores.add(node.store);
    failVersionReads = 1;
    node.queues.onQueueChange({ type: "resync", reason: "reconnected" });
    await node.settle();
    expect(node.subscriber.changed(T)).toEqual([]);
    await node.queues.maintainLeases();
    await node.settle();
    expect(node.subscriber.changed(T).map((each) => each.ids)).toEqual([[row.queuedTurnId]]);
  });

  it("puts a claim lost in an outage back and runs it exactly once", async () => {
    let failClaims = 1;
    const node = new QueueInstance({
      fault: (method) => {
        if (method !== "claimHeadQueuedTurn" || failClaims === 0) return undefined;
        failClaims -= 1;
        // The claim committed, but its answer was lost: the dispatcher cannot tell.
        return { error: new QueueStoreError("unavailable", "connection lost during COMMIT"), afterCommit: true };
      },
    });
    await node.startThread(T);
    const row = await node.add(T, "once");
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("retrying");
    expect(node.subscriber.startedTexts(T)).toEqual([]);
    await node.queues.maintainLeases();
    await node.settle();
    expect(node.subscriber.startedTexts(T)).toEqual(["once"]);
    expect(node.runner.requests.map((request) => request.params.input)).toEqual([params(T, "once").input]);
    expect(await node.store.listVisibleQueuedTurns(T)).toEqual([]);
    expect(node.subscriber.changed(T).map((each) => each.ids)).toContainEqual([row.id]);
  });

  it("after a crash, the next instance fails the abandoned claim on resume and then blocks", async () => {
    const database = new MemoryDatabase();
    const first = new QueueInstance({ database, ownerId: "first" });
    await first.startThread(T);
    // Hold the first instance between its claim and turn/started: its runner never starts turns.
    first.runner.start = async () => new Promise<void>(() => undefined);
    const claimed = await first.add(T, "was running");
    const waiting = await first.add(T, "waits");
    await ticks();
    expect(first.queues.stateOf(T)).toBe("dispatching");
    await first.crash();

    const second = new QueueInstance({ database, ownerId: "second", goneOwners: new Set(["first"]) });
    await second.resume(T);
    await second.settle();
    expect(second.queues.stateOf(T)).toBe("blocked");
    const [snapshot] = second.subscriber.changed(T);
    expect(snapshot).toMatchObject({ ids: [claimed.id, waiting.id], statuses: ["failed", "pending"] });
    const [failed] = await second.store.listVisibleQueuedTurns(T);
    expect(JSON.parse(failed?.failureJson ?? "null").message).toBe(RESTART_INTERRUPTED_MESSAGE);
    expect(second.subscriber.startedTexts(T)).toEqual([]);
  });

  it("moves through its states as the thread's situation changes", async () => {
    const database = new MemoryDatabase();
    const node = new QueueInstance({ database, ownerId: "a" });
    await node.startThread(T);
    expect(node.queues.stateOf(T)).toBe("idle");
    const direct = await node.directTurn(T, "direct");
    const row = await node.add(T, "queued");
    expect(node.queues.stateOf(T)).toBe("waiting");
    node.runner.refuse = () => "refused";
    node.runner.end(direct);
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("blocked");
    node.runner.refuse = () => undefined;
    const reply = node.reply("delete");
    await node.queues.delete(T, row.id, reply);
    await reply.respond();
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("idle");
    node.queues.stop();
    expect(node.queues.stateOf(T)).toBe("stopped");
    await node.add(T, "after stop");
    await node.settle();
    expect(node.queues.stateOf(T)).toBe("stopped");
    expect(node.runner.requests.map((request) => request.params.input)).toEqual([params(T, "direct").input]);
  });

  it("serialises each snapshot once for all subscribers, and not at all when every one opted out", async () => {
    const node = new QueueInstance();
    const thread = await node.startThread(T);
    const { RecordingSubscriber } = await import("./queue-test-harness.js");
    const second = new RecordingSubscriber();
    // Turn events are prepared notifications too: this one takes none of them either.
    const optedOut = new RecordingSubscriber(new Set(["thread/queue/changed", "turn/started", "turn/completed"]));
    thread.subscribers.add(second);
    thread.subscribers.add(optedOut);
    await node.directTurn(T, "busy");
    const row = await node.add(T, "shared");
    await node.settle();
    const [mine] = node.subscriber.changed(T);
    expect(second.changed(T)).toEqual([mine]);
    expect(mine?.ids).toEqual([row.id]);
    expect(optedOut.seen.filter((each) => each.kind === "changed")).toEqual([]);
    expect(optedOut.prepared).toBe(0);
  });

  it("unloads a quiet thread, gives its lease up, and reads the queue again when resumed", async () => {
    const database = new MemoryDatabase();
    const node = new QueueInstance({ database, ownerId: "a" });
    await node.startThread(T);
    const direct = await node.directTurn(T, "busy");
    await node.settle();
    await node.add(T, "later");
    expect(await node.queues.unload(T)).toBe(true);
    expect(node.queues.stateOf(T)).toBeUndefined();
    const other = new QueueInstance({ database, ownerId: "b" });
    await other.resume(T);
    await other.settle();
    expect(other.subscriber.startedTexts(T)).toEqual(["later"]);
    expect(direct).toBeTruthy();
  });
});
