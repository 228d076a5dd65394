/**
 * Clients behind a load balancer (issue 14), on real PostgreSQL with three server instances: a
 * client may reach any instance, whichever holds the thread's lease.
 * - turn/started, turn/completed and error of a thread's turns reach its subscribers on every
 *   instance, exactly once and in order (LISTEN/NOTIFY; an oversized payload through a table);
 * - a direct turn/start on an instance that does not dispatch the thread is forwarded to the one
 *   that does, runs there exactly once, and never overlaps another turn of the thread;
 * - thread/queue/add with a clientUserMessageId is idempotent across instances, also when the
 *   add's COMMIT was cut off in flight.
 */
import { expect, it } from "vitest";
import type { ServerNotificationMethod } from "../../generated/protocol/methods.js";
import { FreezableProxy } from "../../server/store/postgres/tcp-proxy.js";
import { describeWithPostgresServer } from "../support/backends.js";
import { agentText, rpcFailure, startThread, textTurn } from "../support/scenario-helpers.js";
import type { TestClient } from "../support/test-client.js";
import { addWithId, idempotentAddScenarios } from "./idempotent-add-scenarios.js";
import { instancesWithClients } from "./instances.js";

const TURN_EVENTS: ReadonlySet<ServerNotificationMethod> = new Set(["turn/started", "turn/completed", "error"]);

/** The turn events a client received for a thread, in arrival order, as `method turnId`. */
function turnEvents(client: TestClient, threadId: string): string[] {
  return client.notifications.flatMap(({ method, params }) => {
    if (!TURN_EVENTS.has(method)) return [];
    const p = params as { threadId: string; turn?: { id: string }; turnId?: string };
    return p.threadId === threadId ? [`${method} ${p.turn?.id ?? p.turnId ?? "?"}`] : [];
  });
}

/** The events of turns run one after another: started, completed, started, completed, … */
function serialRun(turnIds: readonly string[]): string[] {
  return turnIds.flatMap((id) => [`turn/started ${id}`, `turn/completed ${id}`]);
}

describeWithPostgresServer("clients behind a load balancer: three instances on one PostgreSQL database", () => {
  const instances = instancesWithClients(3, ["--turn-delay-ms", "5"]);
  const client = (index: number) => (): TestClient => instances.client(index);
  const [one, two, three] = [client(0), client(1), client(2)];

  /** A thread started on instance 2 (which holds its lease), resumed on instances 1 and 3. */
  async function threadOnInstance2(): Promise<string> {
    const threadId = await startThread(two());
    for (const follower of [one(), three()]) {
      await follower.client.request("thread/resume", { threadId });
      await follower.next("thread/queue/changed", (p) => p.threadId === threadId);
    }
    expect(await instances.set.leaseHolder(threadId)).toBe(instances.set.instances[1]);
    return threadId;
  }

  it("a client on instance 1 gets every turn/started and turn/completed of the turns instance 2 dispatches, exactly once, in order", async () => {
    const threadId = await threadOnInstance2();
    const added = [];
    for (let i = 0; i < 12; i += 1) added.push(await addWithId(one(), threadId, `fan-out-${i}`, `turn ${i}`));
    await expect.poll(() => one().all("turn/completed").filter((p) => p.threadId === threadId).length, { timeout: 20_000, interval: 20 }).toBe(12);
    await one().settle();
    const ran = two().all("turn/completed").filter((p) => p.threadId === threadId);
    expect(ran.map((p) => agentText(p.turn))).toEqual(added.map((_, i) => `turn ${i}`));
    const expected = serialRun(ran.map((p) => p.turn.id));
    for (const each of [one(), two(), three()]) expect(turnEvents(each, threadId)).toEqual(expected);
    // The payloads are the holder's, byte for byte.
    expect(one().all("turn/completed").filter((p) => p.threadId === threadId)).toEqual(ran);
  });

  it("an event larger than a NOTIFY payload reaches the other instances whole (through the table)", async () => {
    const threadId = await threadOnInstance2();
    const text = "large ".repeat(4_000);
    await addWithId(one(), threadId, "large-event", text);
    const done = await one().next("turn/completed", (p) => p.threadId === threadId);
    expect(agentText(done.turn)).toBe(text);
    const onHolder = await two().next("turn/completed", (p) => p.threadId === threadId);
    expect(done).toEqual(onHolder);
    const stored = await instances.set.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM thread_turn_events WHERE thread_id = $1", [threadId]);
    expect(stored[0]?.n).toBeGreaterThan(0);
  });

  it("a direct turn/start on instance 3 is run by instance 2 exactly once, and queued turns wait for it", async () => {
    const threadId = await threadOnInstance2();
    const { turn } = await three().client.request("turn/start", textTurn(threadId, "started on instance 3"));
    expect(turn.status).toBe("inProgress");
    // Queued behind the running direct turn: they must not start before it completed.
    for (let i = 0; i < 3; i += 1) await addWithId(three(), threadId, `after-direct-${i}`, `queued ${i}`);
    await expect.poll(() => two().all("turn/completed").filter((p) => p.threadId === threadId).length, { timeout: 20_000, interval: 20 }).toBe(4);
    await three().settle();
    const ran = two().all("turn/completed").filter((p) => p.threadId === threadId);
    expect(ran.map((p) => [p.turn.id === turn.id, agentText(p.turn)])).toEqual([
      [true, "started on instance 3"],
      [false, "queued 0"],
      [false, "queued 1"],
      [false, "queued 2"],
    ]);
    const expected = serialRun(ran.map((p) => p.turn.id));
    for (const each of [one(), two(), three()]) expect(turnEvents(each, threadId)).toEqual(expected);
    // Forwarded, not moved: instance 2 still dispatches the thread.
    expect(await instances.set.leaseHolder(threadId)).toBe(instances.set.instances[1]);
  });

  it("a forwarded turn/start that cannot start answers with the holder's error", async () => {
    const threadId = await threadOnInstance2();
    const refused = await rpcFailure(three().client.request("turn/start", textTurn(threadId, "nowhere", { cwd: "/no/such/folder/for/thread-queue" })));
    expect(refused.code).toBe(-32600);
    expect(refused.message).toMatch(/^turn could not start: /);
    await three().settle();
    expect(turnEvents(two(), threadId)).toEqual([]);
  });

  it("a turn/start forwarded to a holder that died is withdrawn and runs on the sender once the lease expired", async () => {
    // Two more instances with a short lease: the holder is killed with the request on its way.
    const holder = await instances.set.start(["--turn-delay-ms", "5", "--lease-ttl-ms", "1000"]);
    const sender = await instances.set.start(["--turn-delay-ms", "5", "--lease-ttl-ms", "1000"]);
    const [onHolder, onSender] = [await holder.connect(), await sender.connect()];
    const threadId = await startThread(onHolder);
    await onSender.client.request("thread/resume", { threadId });
    await onSender.next("thread/queue/changed", (p) => p.threadId === threadId);
    await holder.server.kill();
    const { turn } = await onSender.client.request("turn/start", textTurn(threadId, "outlived its holder"));
    const done = await onSender.next("turn/completed", (p) => p.turn.id === turn.id);
    expect(agentText(done.turn)).toBe("outlived its holder");
    expect(await instances.set.leaseHolder(threadId)).toBe(sender);
    expect(await instances.set.query("SELECT request_id FROM thread_turn_requests WHERE thread_id = $1", [threadId])).toEqual([]);
    await onSender.settle();
    expect(turnEvents(onSender, threadId)).toEqual(serialRun([turn.id]));
  });

  describeIdempotency();

  function describeIdempotency(): void {
    // Retries reach instance 1 while instance 2 dispatches the thread.
    idempotentAddScenarios({ first: two, second: one });
  }

  it("a retry after the add's COMMIT was cut off in flight returns the stored row", async () => {
    const proxy = await FreezableProxy.start(instances.set.backend.db);
    try {
      const cutOff = await instances.set.start(undefined, undefined, proxy.url);
      const viaProxy = await cutOff.connect();
      const threadId = await threadOnInstance2();
      const cut = proxy.cutCommitOf("append_queued_turn");
      const lost = await rpcFailure(addWithId(viaProxy, threadId, "cut-off", "committed unseen"));
      await cut;
      expect(lost.code).toBe(-32001);
      const rows = await instances.set.query<{ queued_turn_id: string }>(
        "SELECT queued_turn_id FROM thread_queued_turns WHERE thread_id = $1 AND client_user_message_id = 'cut-off' UNION ALL SELECT queued_turn_id FROM thread_dispatched_client_ids WHERE thread_id = $1 AND client_user_message_id = 'cut-off'",
        [threadId],
      );
      expect(rows).toHaveLength(1);
      // Retried through another instance, and through the same one once its pool reconnected.
      expect((await addWithId(one(), threadId, "cut-off", "committed unseen")).id).toBe(rows[0]?.queued_turn_id);
      expect((await addWithId(viaProxy, threadId, "cut-off", "committed unseen")).id).toBe(rows[0]?.queued_turn_id);
      await expect.poll(() => two().all("turn/completed").filter((p) => p.threadId === threadId).length, { timeout: 15_000, interval: 20 }).toBe(1);
      await two().settle(500);
      expect(two().all("turn/completed").filter((p) => p.threadId === threadId).map((p) => agentText(p.turn))).toEqual(["committed unseen"]);
    } finally {
      await proxy.close();
    }
  });
});
