/**
 * Concurrency through real server processes:
 * - many WebSocket clients race add / delete / reorder / list on one thread, step after step
 *   (seeded); after every step the queue is exactly what the acknowledged operations say,
 *   positions are unique, every client's latest thread/queue/changed equals the list, and all
 *   clients saw the same snapshots in the same (commit) order, no row ever reappearing;
 * - two server processes on one database file drain one thread: every queued turn is claimed
 *   and run exactly once in all, and lock contention (SQLITE_BUSY) never surfaces.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { storedQueueRows } from "../support/reliability-db.js";
import { agentText, listIds, queueTurn, rpcFailure, startThread, textTurn } from "../support/scenario-helpers.js";
import { useTestResources } from "../support/reliability-resources.js";
import { WebSocketServerProcess } from "../support/server-process.js";
import { WebSocketClientTransport } from "../../generated/client/index.js";
import { TestClient } from "../support/test-client.js";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_251_126);
const CLIENTS = 6;
const STEPS = 30;
const REORDER_MISMATCH = "failed to reorder queued turns: queue reorder must include every visible queued turn exactly once";

type Op = { readonly kind: "add" | "delete" | "reorder" | "list"; readonly pick: number };
const op: fc.Arbitrary<Op> = fc.noBias(
  fc.record({ kind: fc.constantFrom("add", "add", "add", "delete", "delete", "reorder", "reorder", "list"), pick: fc.nat() }),
);

/** A seeded shuffle, so a stale or fresh view both get reordered in some new way. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Removes repeats of the same snapshot in a row (a client subscribed earlier sees more of them). */
function distinctRuns(snapshots: readonly string[][]): string[][] {
  return snapshots.filter((ids, i) => i === 0 || JSON.stringify(ids) !== JSON.stringify(snapshots[i - 1]));
}

describe("many WebSocket clients racing on one thread", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it(`keeps the queue consistent after each of ${STEPS} steps of ${CLIENTS} concurrent operations`, async () => {
    // A ten-minute direct turn keeps the thread busy: nothing dispatches, the queue is all there is.
    harness = await createHarness("websocket", ["--turn-delay-ms", "600000"]);
    const clients: TestClient[] = [];
    for (let i = 0; i < CLIENTS; i += 1) {
      const client = await harness.connect();
      await client.initialize();
      clients.push(client);
    }
    const owner = clients[0] as TestClient;
    const threadId = await startThread(owner);
    await owner.client.request("turn/start", textTurn(threadId, "keeps the thread busy"));
    for (const client of clients.slice(1)) await client.client.request("thread/resume", { threadId });

    const live = new Set<string>();
    const everAdded: string[] = [];
    const latestView = (client: TestClient): string[] => client.all("thread/queue/changed").at(-1)?.queuedTurns.map((t) => t.id) ?? [];
    const plans = fc.sample(fc.array(op, { minLength: CLIENTS, maxLength: CLIENTS }), { seed: SEED, numRuns: STEPS });
    const outcomes = { add: 0, deleted: 0, notDeleted: 0, reordered: 0, staleReorder: 0, list: 0 };

    for (const [step, plan] of plans.entries()) {
      await Promise.all(
        plan.map(async ({ kind, pick }, index) => {
          const client = clients[index] as TestClient;
          if (kind === "add") {
            const row = await queueTurn(client, threadId, `step ${step} client ${index}`);
            live.add(row.id);
            everAdded.push(row.id);
            outcomes.add += 1;
          } else if (kind === "delete") {
            const target = everAdded[pick % Math.max(everAdded.length, 1)] ?? "01a21800-0000-7000-8000-000000000000";
            const { deleted } = await client.client.request("thread/queue/delete", { threadId, queuedTurnId: target });
            if (deleted) {
              expect(live.delete(target), `deleted twice: ${target}`).toBe(true);
              outcomes.deleted += 1;
            } else outcomes.notDeleted += 1;
          } else if (kind === "reorder") {
            const wanted = shuffled(latestView(client), pick);
            try {
              const { queuedTurns } = await client.client.request("thread/queue/reorder", { threadId, queuedTurnIds: wanted });
              expect(queuedTurns.map((t) => t.id)).toEqual(wanted);
              outcomes.reordered += 1;
            } catch (error) {
              // Another client changed the queue since this one looked: refused whole, not applied in part.
              expect(await rpcFailure(Promise.reject(error))).toMatchObject({ code: -32600, message: REORDER_MISMATCH });
              outcomes.staleReorder += 1;
            }
          } else {
            const ids = await listIds(client, threadId);
            expect(new Set(ids).size).toBe(ids.length);
            outcomes.list += 1;
          }
        }),
      );

      // After the step: exactly the acknowledged rows, each once, at unique positions.
      const listed = await listIds(owner, threadId);
      expect(new Set(listed)).toEqual(live);
      expect(listed).toHaveLength(live.size);
      const stored = storedQueueRows(harness.dbPath, threadId);
      expect(stored.map((row) => row.queued_turn_id)).toEqual(listed);
      expect(new Set(stored.map((row) => row.queue_order)).size).toBe(stored.length);
      // Every client's latest snapshot converges on the list.
      for (const client of clients) {
        await expect.poll(() => latestView(client), { timeout: 10_000 }).toEqual(listed);
      }
    }

    // All clients saw the same snapshots in the same order; a row, once gone, never came back.
    const sequences = clients.map((client) => distinctRuns(client.all("thread/queue/changed").map((p) => p.queuedTurns.map((t) => t.id))));
    for (const sequence of sequences.slice(1)) expect(sequence).toEqual(sequences[0]);
    const gone = new Set<string>();
    let previous = new Set<string>();
    for (const snapshot of sequences[0] ?? []) {
      expect(new Set(snapshot).size).toBe(snapshot.length);
      for (const id of snapshot) expect(gone.has(id), `row ${id} reappeared`).toBe(false);
      for (const id of previous) if (!snapshot.includes(id)) gone.add(id);
      previous = new Set(snapshot);
    }
    // The race really exercised every operation, including refused stale reorders.
    expect(outcomes.add).toBeGreaterThan(20);
    expect(outcomes.deleted).toBeGreaterThan(5);
    expect(outcomes.reordered).toBeGreaterThan(5);
    expect(outcomes.staleReorder).toBeGreaterThan(0);
  });
});

describe("two server processes on one database file", () => {
  const resources = useTestResources();
  const servers: WebSocketServerProcess[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const connect = async (server: WebSocketServerProcess) => {
    const client = new TestClient(new WebSocketClientTransport({ url: server.url }));
    clients.push(client);
    await client.client.ready;
    await client.initialize();
    return client;
  };

  it("claims and runs every queued turn exactly once between them, and never surfaces SQLITE_BUSY", async () => {
    const dbPath = resources.dir.file("shared.sqlite");
    // Turns that last a little let the two processes overlap: each claims while the other runs.
    const a = await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", "--turn-delay-ms", "20"]);
    servers.push(a);
    const b = await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", "--turn-delay-ms", "20"]);
    servers.push(b);
    const viaA = await connect(a);
    const viaB = await connect(b);
    const threadId = await startThread(viaA);
    await viaB.client.request("thread/resume", { threadId });

    const perSide = 40;
    const texts = [...Array.from({ length: perSide }, (_, i) => `a${i}`), ...Array.from({ length: perSide }, (_, i) => `b${i}`)];
    // Both pipeline their adds at once; both processes drain the one thread as turns end.
    const added = await Promise.all(texts.map((text) => queueTurn(text.startsWith("a") ? viaA : viaB, threadId, text)));
    expect(added).toHaveLength(texts.length);

    // The process holding the thread runs them; the other's client hears of each through the file.
    const ran = (client: TestClient): string[] => client.all("turn/completed").map((p) => agentText(p.turn) ?? "").sort();
    for (const client of [viaA, viaB]) {
      await expect.poll(() => ran(client), { timeout: 30_000, interval: 100 }).toHaveLength(texts.length);
      expect(ran(client)).toEqual([...texts].sort());
    }
    // None ran twice, and nothing is left.
    expect(storedQueueRows(dbPath, threadId)).toEqual([]);
    expect(await listIds(viaB, threadId)).toEqual([]);
    for (const server of [a, b]) {
      expect(server.child.exitCode).toBeNull();
      expect(server.stderr).not.toMatch(/SQLITE_BUSY|database is locked/);
    }
  });
});
