/**
 * PostgreSQL restarts (crash-style, down for a second) while three instances take adds through
 * all of them and dispatch. Adds during the outage get the retryable -32001; afterwards the
 * instances reconnect on their own, LISTEN is re-established (an add through a non-holder
 * still wakes the holder), and every acknowledged add ran exactly once, in order.
 */
import { afterEach, expect, it } from "vitest";
import { describeWithPostgresServer } from "../support/backends.js";
import { agentText, queueTurn, rpcFailure, startThread } from "../support/scenario-helpers.js";
import type { TestClient } from "../support/test-client.js";
import { startInstances, type InstanceSet } from "./instances.js";
import { startPrivateCluster, type PrivateCluster } from "./private-cluster.js";

interface Writer {
  readonly tag: string;
  readonly threadId: string;
  readonly acknowledged: string[];
  readonly sent: string[];
}

describeWithPostgresServer("a PostgreSQL restart under three instances", () => {
  let cluster: PrivateCluster | undefined;
  let set: InstanceSet | undefined;
  afterEach(async () => {
    await set?.dispose();
    await cluster?.stop();
    set = undefined;
    cluster = undefined;
  });

  it("loses no acknowledged add, answers -32001 meanwhile, and dispatches again once the database is back", async () => {
    cluster = await startPrivateCluster();
    set = await startInstances(3, ["--turn-delay-ms", "5", "--lease-ttl-ms", "5000"], cluster.url);
    const clients = await Promise.all(set.instances.map((instance) => instance.connect()));
    const client = (index: number) => clients[index] as TestClient;
    // Thread k is started (so leased and dispatched) on instance k; instance 2 holds none.
    const threads = [await startThread(client(0)), await startThread(client(1))];

    let writing = true;
    const failures: Array<{ code: number; message: string }> = [];
    const writers: Writer[] = [];
    const write = async (c: number, t: number): Promise<void> => {
      const writer: Writer = { tag: `c${c}t${t}`, threadId: threads[t] as string, acknowledged: [], sent: [] };
      writers.push(writer);
      for (let i = 0; writing; i += 1) {
        const text = `${writer.tag}-${i}`;
        writer.sent.push(text);
        try {
          await queueTurn(client(c), writer.threadId, text);
          writer.acknowledged.push(text);
        } catch (error) {
          failures.push(await rpcFailure(Promise.reject(error)));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    const acknowledged = () => writers.reduce((sum, writer) => sum + writer.acknowledged.length, 0);
    const writing6 = Promise.all([0, 1, 2].flatMap((c) => [0, 1].map((t) => write(c, t))));

    await expect.poll(acknowledged, { timeout: 20_000, interval: 20 }).toBeGreaterThan(60);
    await cluster.restart(1);
    const afterRestart = acknowledged();
    await expect.poll(acknowledged, { timeout: 30_000, interval: 50 }).toBeGreaterThan(afterRestart + 60);
    writing = false;
    await writing6;

    // Each thread's turns run on its holder: instance 0 for thread 0, instance 1 for thread 1.
    const completed = (t: number) =>
      client(t)
        .all("turn/completed")
        .filter((p) => p.threadId === threads[t])
        .map((p) => agentText(p.turn) ?? "");
    const missing = () =>
      writers.flatMap((writer) => writer.acknowledged.filter((text) => !completed(threads.indexOf(writer.threadId)).includes(text)));
    await expect.poll(() => missing().length, { timeout: 30_000, interval: 100 }).toBe(0);

    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toMatchObject({ code: -32001, message: "Storage unavailable; retry later." });
    for (const t of [0, 1]) {
      const ran = completed(t);
      expect(new Set(ran).size, `thread ${t}: no turn ran twice`).toBe(ran.length);
      for (const writer of writers.filter((w) => w.threadId === threads[t])) {
        // In the order acknowledged; an add whose answer was lost with the connection may have
        // committed and run too (it was never acknowledged, so nothing is owed for it).
        const own = ran.filter((text) => text.startsWith(`${writer.tag}-`));
        expect(own.every((text) => writer.sent.includes(text))).toBe(true);
        expect(own.filter((text) => writer.acknowledged.includes(text))).toEqual(writer.acknowledged);
      }
    }
    for (const instance of set.instances) expect(instance.server.child.exitCode).toBeNull();

    // Cross-instance wake-up works again: an add through instance 2 runs on instance 0 at once.
    const late = await queueTurn(client(2), threads[0] as string, "after the restart");
    const done = await client(0).next("turn/completed", (p) => agentText(p.turn) === "after the restart");
    expect(done.threadId).toBe(late.turnStartParams.threadId);
  });
});
