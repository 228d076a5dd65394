/**
 * The server's limits, each hit on purpose through the real process: the frame size, the
 * turn input size, the queue length and the in-flight requests per connection. Each must
 * answer with a clear error, leave no trace of the refused request, and keep the connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SqliteQueueStore } from "../../server/store/index.js";
import { createHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { storedQueueRows } from "../support/reliability-db.js";
import { initializeRaw, startRawServer, type RawServer } from "../support/reliability-server.js";
import { listIds, queueTurn, rpcFailure, textTurn } from "../support/scenario-helpers.js";
import { TempDir } from "../support/server-process.js";

const THREAD = "01a21800-0000-7000-8000-0000000000c3";

/** A persisted thread that no server has loaded: adds queue up and nothing dispatches. */
async function persistedThread(dbPath: string): Promise<string> {
  const store = await SqliteQueueStore.open({ path: dbPath });
  await store.createThread({ id: THREAD });
  await store.close();
  return THREAD;
}

const addRequest = (id: number | string, text: string) =>
  JSON.stringify({ id, method: "thread/queue/add", params: { threadId: THREAD, turnStartParams: textTurn(THREAD, text) } });

describe.each(TRANSPORTS)("limits over %s", (kind) => {
  const dirs: TempDir[] = [];
  const servers: RawServer[] = [];
  let harness: Harness | undefined;
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => (server.alive() ? server.stop() : undefined)));
    await harness?.dispose();
    harness = undefined;
    for (const dir of dirs.splice(0)) dir.dispose();
  });
  const rawServer = async (args: readonly string[]) => {
    const dir = new TempDir();
    dirs.push(dir);
    const dbPath = dir.file("queue.sqlite");
    await persistedThread(dbPath);
    const server = await startRawServer(kind, dbPath, args);
    servers.push(server);
    await initializeRaw(server.peer);
    return { server, dbPath };
  };

  it("answers a frame over --max-frame-bytes with -32700, stores nothing of it, and keeps the connection", async () => {
    const { server, dbPath } = await rawServer(["--max-frame-bytes", "4096"]);
    const tooLarge = addRequest(1, "x".repeat(5000));
    server.sendFrames([Buffer.from(tooLarge), Buffer.from(addRequest(2, "fits"))]);
    expect(await server.peer.next()).toEqual({ id: null, error: { code: -32700, message: "Parse error: message exceeds the limit of 4096 bytes" } });
    expect(await server.peer.next()).toMatchObject({ id: 2, result: { queuedTurn: { status: { type: "pending" } } } });
    expect(storedQueueRows(dbPath, THREAD).map((row) => JSON.parse(row.turn_start_params_jsonb).input[0].text)).toEqual(["fits"]);
    expect(server.alive()).toBe(true);
  });

  it("gives -32001 to requests beyond --max-in-flight, runs none of them, and serves the connection again afterwards", async () => {
    const { server, dbPath } = await rawServer(["--max-in-flight", "2"]);
    const count = 40;
    // Sent in one go, so they arrive together while the first adds are still committing.
    server.sendFrames(Array.from({ length: count }, (_, i) => Buffer.from(addRequest(i + 1, `burst ${i + 1}`))));
    const answers = new Map<number, Record<string, unknown>>();
    while (answers.size < count) {
      const answer = await server.peer.next();
      expect(answers.has(answer.id as number), `second answer for ${String(answer.id)}`).toBe(false);
      answers.set(answer.id as number, answer);
    }
    const overloaded = [...answers.values()].filter((a) => "error" in a);
    for (const answer of overloaded) expect(answer.error).toEqual({ code: -32001, message: "Server overloaded; retry later." });
    expect(overloaded.length).toBeGreaterThan(0);
    // The first two were admitted whatever happened next.
    expect(answers.get(1)).toHaveProperty("result");
    expect(answers.get(2)).toHaveProperty("result");
    const accepted = [...answers.entries()].filter(([, a]) => "result" in a).map(([id]) => `burst ${id}`);
    // A refused add left no row; the accepted ones are stored in the order they were sent.
    expect(storedQueueRows(dbPath, THREAD).map((row) => JSON.parse(row.turn_start_params_jsonb).input[0].text)).toEqual(accepted);

    server.peer.write(`${addRequest("again", "after the burst")}\n`);
    expect(await server.peer.next()).toMatchObject({ id: "again", result: { queuedTurn: { status: { type: "pending" } } } });
  });

  it("refuses an add beyond --max-queue-length with a clear message until a row is deleted", async () => {
    harness = await createHarness(kind, ["--max-queue-length", "3"]);
    const threadId = await persistedThread(harness.dbPath);
    const client = await harness.connect();
    await client.initialize();
    const rows = [await queueTurn(client, threadId, "1"), await queueTurn(client, threadId, "2"), await queueTurn(client, threadId, "3")];
    expect(await rpcFailure(queueTurn(client, threadId, "4"))).toEqual({
      code: -32600,
      message: `queue is full: thread ${threadId} already holds 3 queued turns`,
      data: undefined,
    });
    expect(await listIds(client, threadId)).toEqual(rows.map((row) => row.id));
    await client.client.request("thread/queue/delete", { threadId, queuedTurnId: rows[1]?.id ?? "" });
    const fourth = await queueTurn(client, threadId, "4");
    expect(await listIds(client, threadId)).toEqual([rows[0]?.id, rows[2]?.id, fourth.id]);
  });
});

describe("the turn input size limit", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it("defaults to upstream's 1,048,576 characters of text, counted in characters, not bytes or other items", async () => {
    harness = await createHarness("stdio");
    const threadId = await persistedThread(harness.dbPath);
    const client = await harness.connect();
    await client.initialize();
    const limit = 1 << 20;
    // "é" is two bytes: the limit is in characters, so this is exactly at it.
    const atLimit = await client.client.request("thread/queue/add", {
      threadId,
      turnStartParams: {
        threadId,
        input: [
          { type: "text", text: "é".repeat(limit - 1), text_elements: [] },
          { type: "text", text: "z", text_elements: [] },
          // Not text: does not count.
          { type: "image", url: `https://example.com/${"p".repeat(10_000)}` },
        ],
      },
    });
    expect(atLimit.queuedTurn.status.type).toBe("pending");
    const over = await rpcFailure(queueTurn(client, threadId, "é".repeat(limit + 1)));
    expect(over).toEqual({
      code: -32602,
      message: `Input exceeds the maximum length of ${limit} characters.`,
      data: { input_error_code: "input_too_large", actual_chars: limit + 1, max_chars: limit },
    });
    expect(await listIds(client, threadId)).toEqual([atLimit.queuedTurn.id]);
  });
});
