/**
 * Three server instances on one PostgreSQL database, a client on each: adds come through all
 * three, interleaved; each thread is dispatched by the one instance holding its lease, every
 * queued turn runs once and in queue order, and every instance's clients hear of each turn once;
 * a change made through one instance reaches the subscribers of every other.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithPostgresServer } from "../support/backends.js";
import { agentText, listIds, queueTurn, startThread } from "../support/scenario-helpers.js";
import type { TestClient } from "../support/test-client.js";
import { instancesWithClients } from "./instances.js";

describeWithPostgresServer("three instances sharing one PostgreSQL database", () => {
  const instances = instancesWithClients(3, ["--turn-delay-ms", "5"]);
  const client = (index: number): TestClient => instances.client(index);

  it("runs every turn once, in order, on the one instance holding each thread, whichever instance took the add", async () => {
    const threadCount = 6;
    const perThread = 9;
    const threads: string[] = [];
    for (let t = 0; t < threadCount; t += 1) threads.push(await startThread(client(t)));
    // Every client follows every thread: the holder runs its turns, and every client hears of them.
    for (const [t, threadId] of threads.entries()) {
      for (let c = 0; c < 3; c += 1) if (c !== t % 3) await client(c).client.request("thread/resume", { threadId });
    }

    // Per thread the adds go through the instances in turn, each acknowledged before the next;
    // the threads run side by side, so all three instances take adds at the same time.
    await Promise.all(
      threads.map(async (threadId, t) => {
        for (let i = 0; i < perThread; i += 1) await queueTurn(client(t + i), threadId, `t${t}-${i}`);
      }),
    );
    const completedOn = (c: number, threadId: string) =>
      client(c).all("turn/completed").filter((p) => p.threadId === threadId).map((p) => agentText(p.turn) ?? "");
    const allCompleted = () => [0, 1, 2].flatMap((c) => threads.flatMap((threadId) => completedOn(c, threadId)));
    await expect.poll(() => allCompleted().length, { timeout: 30_000, interval: 50 }).toBe(3 * threadCount * perThread);

    for (const [t, threadId] of threads.entries()) {
      const holder = await instances.set.leaseHolder(threadId);
      expect(holder, `lease holder of thread ${t}`).toBe(instances.set.instances[t % 3]);
      // Exactly once each, in the order added, on every instance's client.
      for (const c of [0, 1, 2]) expect(completedOn(c, threadId), `client ${c}`).toEqual(Array.from({ length: perThread }, (_, i) => `t${t}-${i}`));
      expect(await listIds(client(t + 1), threadId)).toEqual([]);
    }
    const leftover = await instances.set.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM thread_queued_turns");
    expect(leftover).toEqual([{ n: 0 }]);
  });

  it("sends thread/queue/changed to a client on instance 2 for a row added through instance 3", async () => {
    const [, second, third] = [client(0), client(1), client(2)];
    const threadId = await startThread(client(0));
    await second.client.request("thread/resume", { threadId });
    await second.next("thread/queue/changed", (p) => p.threadId === threadId);
    // A head that fails to start blocks the queue, so what follows stays visible.
    const blocked = await queueTurn(client(0), threadId, "cannot start", { cwd: join(tmpdir(), "thread-queue-no-such-dir") });
    await second.next("thread/queue/changed", (p) => p.threadId === threadId && p.queuedTurns[0]?.status.type === "failed");

    const added = await queueTurn(third, threadId, "added on instance 3");
    const seen = await second.next("thread/queue/changed", (p) => p.threadId === threadId && p.queuedTurns.some((row) => row.id === added.id));
    expect(seen.queuedTurns.map((row) => [row.id, row.status.type])).toEqual([
      [blocked.id, "failed"],
      [added.id, "pending"],
    ]);
    // And a removal through instance 3 too: the holder then runs the row it unblocked.
    await third.client.request("thread/queue/delete", { threadId, queuedTurnId: blocked.id });
    await second.next("thread/queue/changed", (p) => p.threadId === threadId && p.queuedTurns.length === 0);
    const done = await client(0).next("turn/completed", (p) => p.threadId === threadId);
    expect(agentText(done.turn)).toBe("added on instance 3");
  });
});
