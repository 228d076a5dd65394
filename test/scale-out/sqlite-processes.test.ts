/**
 * Several server processes on one SQLite file (one machine): the same leases decide which one
 * dispatches a thread; changes reach the others through the file's change counter (a poll, not
 * a notification); a direct turn/start on another process is forwarded to the thread's holder
 * and runs there, and its turn events reach the other process's clients through the file; a
 * holder that died is replaced at once (its pid is gone), without waiting for its lease to expire.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketClientTransport } from "../../generated/client/index.js";
import { agentText, queueTurn, startThread, textTurn } from "../support/scenario-helpers.js";
import { TempDir, WebSocketServerProcess } from "../support/server-process.js";
import { TestClient } from "../support/test-client.js";

describe("several server processes on one SQLite file", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (db: string): Promise<{ server: WebSocketServerProcess; client: TestClient }> => {
    // A lease far longer than the test: only the dead-process check can hand the thread over.
    const server = await WebSocketServerProcess.start(db, ["--log-level", "error", "--lease-ttl-ms", "600000"]);
    cleanups.push(async () => {
      await server.stop();
    });
    const client = new TestClient(new WebSocketClientTransport({ url: server.url }));
    cleanups.push(() => client.close().catch(() => undefined));
    await client.client.ready;
    await client.initialize();
    return { server, client };
  };

  it("dispatch where the lease is, follow elsewhere, and take over at once from a dead process", async () => {
    const dir = new TempDir();
    cleanups.push(() => dir.dispose());
    const db = dir.file("shared.sqlite");
    const first = await start(db);
    const second = await start(db);
    const threadId = await startThread(first.client);
    await second.client.client.request("thread/resume", { threadId });
    await second.client.next("thread/queue/changed");

    const forwarded = await second.client.client.request("turn/start", textTurn(threadId, "direct"));
    const ranOnHolder = await first.client.next("turn/completed", (p) => p.turn.id === forwarded.turn.id);
    expect(agentText(ranOnHolder.turn)).toBe("direct");
    // The second process's client hears of the turn it started, through the file.
    expect(await second.client.next("turn/completed", (p) => p.turn.id === forwarded.turn.id)).toEqual(ranOnHolder);
    const added = await queueTurn(second.client, threadId, "added on the second process");
    const done = await first.client.next("turn/completed");
    expect(agentText(done.turn)).toBe("added on the second process");
    // The second process saw the row come and go, through the file.
    await second.client.next("thread/queue/changed", (p) => p.queuedTurns.some((row) => row.id === added.id));
    await second.client.next("thread/queue/changed", (p) => p.queuedTurns.length === 0);

    await first.server.kill();
    const { turn } = await second.client.client.request("turn/start", textTurn(threadId, "now here"));
    const direct = await second.client.next("turn/completed", (p) => p.turn.id === turn.id);
    expect(agentText(direct.turn)).toBe("now here");
  });
});
