/**
 * Bad input, property-based: thousands of generated garbage frames per transport against the
 * real server process. Every frame owed an answer gets exactly one, with the right code and a
 * message naming the problem; notifications and stray responses get none; the process keeps
 * running; and no table of the database changes by a single byte.
 *
 * Seeded: set RELIABILITY_SEED to replay another run (fast-check prints the seed and the
 * shrunk counterexample on failure).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteQueueStore } from "../../server/store/index.js";
import { tableHashes } from "../support/reliability-db.js";
import { buildFrame, checkAnswers, expectedAnswerCount, frameTemplate, hugeTemplate, UNKNOWN_THREAD, type FuzzContext, type FuzzFrame } from "../support/reliability-frames.js";
import { collectAnswers, initializeRaw, startRawServer, type RawServer } from "../support/reliability-server.js";
import { RawWebSocketPeer } from "../support/reliability-ws-peer.js";
import { TRANSPORTS } from "../support/harness.js";
import { TempDir } from "../support/server-process.js";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_251_126);
const RUNS = 50;
const MAX_FRAME_BYTES = 1 << 20;

/** Two threads with rows in every state, written through the store before any server runs. */
async function seedDatabase(path: string): Promise<string[]> {
  const store = await SqliteQueueStore.open({ path });
  const busy = "01a21800-0000-7000-8000-0000000000a1";
  const claimed = "01a21800-0000-7000-8000-0000000000b2";
  const turn = (threadId: string, text: string) => JSON.stringify({ threadId, input: [{ type: "text", text }] });
  await store.createThread({ id: busy, cwd: "/tmp", model: "echo" });
  await store.createThread({ id: claimed });
  const failed = await store.appendQueuedTurn(busy, turn(busy, "will fail"));
  await store.claimHeadQueuedTurn(busy);
  await store.markQueuedTurnFailed(failed.queuedTurnId, JSON.stringify({ message: "boom", codexErrorInfo: null, additionalDetails: null }));
  await store.appendQueuedTurn(busy, turn(busy, "pending one"));
  await store.appendQueuedTurn(busy, turn(busy, "pending two"));
  await store.appendQueuedTurn(claimed, turn(claimed, "dispatching"));
  await store.claimHeadQueuedTurn(claimed);
  await store.close();
  return [busy, claimed];
}

describe.each(TRANSPORTS)("generated garbage over %s", (kind) => {
  const dir = new TempDir();
  const dbPath = dir.file("queue.sqlite");
  let server: RawServer;
  let before: Record<string, string>;
  let threads: string[];
  let framesSent = 0;
  let nextId = 0;
  const byLabel = new Map<string, number>();

  beforeAll(async () => {
    threads = await seedDatabase(dbPath);
    before = tableHashes(dbPath);
    server = await startRawServer(kind, dbPath, ["--max-frame-bytes", String(MAX_FRAME_BYTES)]);
    await initializeRaw(server.peer);
  });
  afterAll(async () => {
    if (server.alive()) await server.stop();
    dir.dispose();
  });

  it(`answers every request exactly once with the right code, ${RUNS} seeded batches`, async () => {
    const ctx: FuzzContext = { transport: kind, maxFrameBytes: MAX_FRAME_BYTES, existingThreadIds: threads, nextId: () => (nextId += 1) };
    await fc.assert(
      fc.asyncProperty(
        fc.array(frameTemplate, { minLength: 80, maxLength: 160 }),
        fc.array(hugeTemplate, { maxLength: 1 }),
        fc.nat(),
        async (templates, huge, at) => {
          const all = [...templates];
          all.splice(at % (all.length + 1), 0, ...huge);
          const frames = all.map((template) => buildFrame(template, ctx)).filter((frame): frame is FuzzFrame => frame !== null);
          server.sendFrames(frames.map((frame) => frame.bytes));
          const answers = await collectAnswers(server.peer, expectedAnswerCount(frames));
          const problems = checkAnswers(frames, answers);
          if (problems.length > 0) throw new Error(`${problems.length} problem(s):\n${problems.slice(0, 20).join("\n")}`);
          expect(server.alive()).toBe(true);
          framesSent += frames.length;
          for (const frame of frames) {
            const kindOfGarbage = frame.label.split(" ")[0] ?? "";
            byLabel.set(kindOfGarbage, (byLabel.get(kindOfGarbage) ?? 0) + 1);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(framesSent).toBeGreaterThanOrEqual(5000);
    // Every kind of garbage was actually sent.
    const kinds = ["not", "non-object", "bad", "unknown", "call", "notification", "unsolicited", "truncated", "nested", "huge", "blank", "scalar"];
    for (const label of [...kinds, ...(kind === "stdio" ? ["invalid"] : [])]) {
      expect(byLabel.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  });

  it("is still serving afterwards and its database is byte-for-byte what it was", async () => {
    expect(server.alive()).toBe(true);
    server.peer.write(`${JSON.stringify({ id: "after", method: "thread/queue/list", params: { threadId: threads[0], limit: 100 } })}\n`);
    const answer = await server.peer.next();
    expect((answer.result as { data: unknown[] }).data).toHaveLength(3);
    expect(tableHashes(dbPath)).toEqual(before);
    expect(await server.stop()).toBe(0);
    expect(tableHashes(dbPath)).toEqual(before);
  });
});

describe("invalid UTF-8 in a WebSocket text frame", () => {
  it("fails that connection with 1007, as RFC 6455 requires, and the server keeps serving the others", async () => {
    const dir = new TempDir();
    const server = await startRawServer("websocket", dir.file("queue.sqlite"));
    try {
      await initializeRaw(server.peer);
      const victim = await RawWebSocketPeer.connect(server.url ?? "");
      victim.write(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]));
      expect((await victim.closed).code).toBe(1007);
      server.peer.write(JSON.stringify({ id: 1, method: "thread/queue/list", params: { threadId: UNKNOWN_THREAD } }));
      expect(await server.peer.next()).toEqual({ id: 1, result: { data: [], nextCursor: null } });
      expect(server.alive()).toBe(true);
    } finally {
      await server.stop();
      dir.dispose();
    }
  });
});
