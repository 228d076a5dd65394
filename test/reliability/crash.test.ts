/**
 * Crashes of the real server process (SIGKILL, no chance to clean up):
 * - while a client pipelines thread/queue/add, at seeded random moments, round after round:
 *   every acknowledged add survives exactly once and in order, nothing is half-written; every
 *   add carries a clientUserMessageId and the client retries unanswered ones after the restart,
 *   so that in the end every add ever sent is queued exactly once (0 lost, 0 duplicated);
 * - while a queued turn is being dispatched (claimed, turn not yet started): after restart and
 *   thread/resume the row is failed with the recovery message and blocks the queue, and no
 *   queued turn ever runs twice.
 * The long version of the first is `npm run soak` (scripts/soak.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SqliteQueueStore } from "../../server/store/index.js";
import { ECHO_START_DELAY_ENV } from "../../server/turns/echo-turn-runner.js";
import { CrashLedger, crashRoundPlan, runCrashRound, verifyAfterCrashes } from "../support/reliability-crash.js";
import { storedQueueRows } from "../support/reliability-db.js";
import { useTestResources } from "../support/reliability-resources.js";
import { agentText, listIds, queueTurn, startThread } from "../support/scenario-helpers.js";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_251_126);
const ROUNDS = 10;
const MAX_ROUNDS = 30;

describe("SIGKILL while a client pipelines thread/queue/add", () => {
  const resources = useTestResources();

  it(`keeps every acknowledged add exactly once and in order across at least ${ROUNDS} seeded crash rounds, and retried adds once`, async () => {
    const dbPath = resources.dir.file("queue.sqlite");
    const threadId = "01a21800-0000-7000-8000-0000000000d4";
    const store = await SqliteQueueStore.open({ path: dbPath });
    await store.createThread({ id: threadId });
    await store.close();

    const ledger = new CrashLedger();
    for (const [index, plan] of fc.sample(crashRoundPlan, { seed: SEED, numRuns: MAX_ROUNDS }).entries()) {
      // More seeded rounds only while no kill has landed with adds unanswered: answers leave in
      // bursts (a group commit's, written together), so on a fast or a loaded machine every
      // answer of a round can be out before its kill, and a run of such rounds tests no crash.
      if (index >= ROUNDS && ledger.roundsWithAddsInFlight > 0) break;
      expect(await runCrashRound(dbPath, threadId, plan, ledger), `before round ${ledger.rounds + 1}`).toEqual([]);
    }
    expect(await verifyAfterCrashes(dbPath, threadId, ledger)).toEqual([]);
    // The kills really did land mid-stream, and acknowledged adds were at stake.
    expect(ledger.roundsWithAddsInFlight).toBeGreaterThan(0);
    expect(ledger.acknowledged.size).toBeGreaterThan(100);
    // Unanswered adds were retried (the rounds with adds in flight left some), and all got answers.
    expect(ledger.retries).toBeGreaterThan(0);
    expect(ledger.acknowledged.size).toBe(ledger.sent.length);
  });
});

describe("SIGKILL between a queued turn's claim and its turn/started", () => {
  const resources = useTestResources();
  const connect = (dbPath: string, env: NodeJS.ProcessEnv = process.env) => resources.stdioClient(dbPath, { env });

  it("fails the row with the recovery message on resume, blocks the queue behind it, and runs nothing twice", async () => {
    const dbPath = resources.dir.file("queue.sqlite");
    // The echo runner holds every start for ten minutes: the dispatch stops right after its claim.
    const held = await connect(dbPath, { ...process.env, [ECHO_START_DELAY_ENV]: "600000" });
    const threadId = await startThread(held.client);
    const claimed = await queueTurn(held.client, threadId, "claimed when the server died");
    expect((await held.client.next("thread/queue/changed")).queuedTurns.map((t) => t.id)).toEqual([claimed.id]);
    // The claim is committed (the row left the visible queue) and the turn has not started.
    expect((await held.client.next("thread/queue/changed")).queuedTurns).toEqual([]);
    expect(storedQueueRows(dbPath, threadId).map((row) => [row.queued_turn_id, row.state])).toEqual([[claimed.id, "dispatching"]]);
    expect(held.client.all("turn/started")).toEqual([]);
    process.kill(held.pid, "SIGKILL");
    await held.client.close();

    const after = await connect(dbPath);
    await after.client.client.request("thread/resume", { threadId });
    const recovered = await after.client.next("thread/queue/changed");
    expect(recovered.queuedTurns).toEqual([
      {
        id: claimed.id,
        turnStartParams: claimed.turnStartParams,
        status: {
          type: "failed",
          error: { message: "queued turn dispatch was interrupted while app-server restarted", codexErrorInfo: null, additionalDetails: null },
        },
      },
    ]);
    const waiting = await queueTurn(after.client, threadId, "waits behind the failed head");
    await after.client.settle();
    expect(after.client.all("turn/started")).toEqual([]);
    expect(await listIds(after.client, threadId)).toEqual([claimed.id, waiting.id]);

    await after.client.client.request("thread/queue/delete", { threadId, queuedTurnId: claimed.id });
    const done = await after.client.next("turn/completed");
    expect(agentText(done.turn)).toBe("waits behind the failed head");
    await after.client.settle();
    // Exactly one turn ran in all: the waiting one, once. The interrupted one never did.
    expect(after.client.all("turn/completed").map((p) => agentText(p.turn))).toEqual(["waits behind the failed head"]);
    expect(storedQueueRows(dbPath, threadId)).toEqual([]);
  });
});
