/**
 * The long randomised soak behind docs/guarantees.md: the same checks as test/reliability,
 * run for minutes instead of seconds, with fresh seeds.
 *
 *   npm run soak                      10 minutes (the documented default)
 *   npm run soak -- --minutes 60      longer
 *   npm run soak -- --seed 1234       replay a run (every seed is printed)
 *
 * Each cycle: SIGKILL crash rounds of pipelined thread/queue/add against one database (every
 * acknowledged add must survive once, in order, nothing half-written), then batches of
 * generated garbage against a long-running stdio server and a WebSocket server (one right
 * answer per request, none for notifications, no table changed by a byte). Figures are printed
 * at the end; the exit code is 1 if anything was lost, duplicated or answered wrongly.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { SqliteQueueStore } from "../server/store/index.js";
import { CrashLedger, crashRoundPlan, runCrashRound, verifyAfterCrashes } from "../test/support/reliability-crash.js";
import { tableHashes } from "../test/support/reliability-db.js";
import { buildFrame, checkAnswers, expectedAnswerCount, frameTemplate, hugeTemplate, type FuzzFrame } from "../test/support/reliability-frames.js";
import { collectAnswers, initializeRaw, startRawServer, type RawServer } from "../test/support/reliability-server.js";
import { TempDir } from "../test/support/server-process.js";

export const DEFAULT_SOAK_MINUTES = 10;
const CRASH_ROUNDS_PER_CYCLE = 5;
const ROUNDS_PER_EPOCH = 40;
const FUZZ_BATCHES_PER_CYCLE = 20;
const MAX_FRAME_BYTES = 1 << 20;
const THREAD = "01a21800-0000-7000-8000-00000000050a";

const { values } = parseArgs({ options: { minutes: { type: "string" }, seed: { type: "string" } } });
const minutes = Number(values.minutes ?? process.env.SOAK_MINUTES ?? DEFAULT_SOAK_MINUTES);
const seed = Number(values.seed ?? Date.now() % 2 ** 31);
if (!(minutes > 0) || !Number.isSafeInteger(seed)) {
  process.stderr.write("usage: soak [--minutes N] [--seed S]\n");
  process.exit(2);
}

const log = (message: string): void => void process.stderr.write(`[soak] ${message}\n`);
const problems: string[] = [];
const figures = { crashRounds: 0, addsSent: 0, addsAcknowledged: 0, acknowledgedLost: 0, committedUnacknowledged: 0, roundsWithAddsInFlight: 0, framesFuzzed: 0, fuzzBatches: 0 };

async function fuzzServer(server: RawServer, nextId: () => number, batchSeed: number): Promise<void> {
  const ctx = { transport: server.kind, maxFrameBytes: MAX_FRAME_BYTES, existingThreadIds: [THREAD], nextId };
  const [batch] = fc.sample(fc.tuple(fc.array(frameTemplate, { minLength: 80, maxLength: 200 }), fc.array(hugeTemplate, { maxLength: 1 })), { seed: batchSeed, numRuns: 1 });
  const [templates, huge] = batch ?? [[], []];
  const frames = [...templates, ...huge].map((template) => buildFrame(template, ctx)).filter((frame): frame is FuzzFrame => frame !== null);
  server.sendFrames(frames.map((frame) => frame.bytes));
  const answers = await collectAnswers(server.peer, expectedAnswerCount(frames));
  for (const problem of checkAnswers(frames, answers)) problems.push(`${server.kind} fuzz (batch seed ${batchSeed}): ${problem}`);
  if (!server.alive()) problems.push(`${server.kind} fuzz server exited (batch seed ${batchSeed})`);
  figures.framesFuzzed += frames.length;
  figures.fuzzBatches += 1;
}

async function main(): Promise<void> {
  log(`seed ${seed}, ${minutes} minute(s)`);
  const dir = new TempDir();
  const crashDb = dir.file("crash.sqlite");
  const fuzzDb = dir.file("fuzz.sqlite");
  const store = await SqliteQueueStore.open({ path: fuzzDb });
  await store.createThread({ id: THREAD });
  await store.appendQueuedTurn(THREAD, JSON.stringify({ threadId: THREAD, input: [{ type: "text", text: "seed row" }] }));
  await store.close();
  const fuzzBefore = tableHashes(fuzzDb);
  const servers = [await startRawServer("stdio", fuzzDb, ["--max-frame-bytes", String(MAX_FRAME_BYTES)]), await startRawServer("websocket", fuzzDb, ["--max-frame-bytes", String(MAX_FRAME_BYTES)])];
  for (const server of servers) await initializeRaw(server.peer);
  let id = 0;
  const nextId = (): number => (id += 1);

  // Crash rounds run in epochs of a fresh thread each, so the queue (and its check) stays small.
  const totals = { rounds: 0, sent: 0, acknowledged: 0, committedUnacknowledged: 0, roundsWithAddsInFlight: 0 };
  let epoch = 0;
  let ledger = new CrashLedger();
  let thread = "";
  const startEpoch = async (): Promise<void> => {
    thread = `01a21800-0000-7000-8000-${(0xe000_0000_0000 + (epoch += 1)).toString(16)}`;
    ledger = new CrashLedger();
    const store = await SqliteQueueStore.open({ path: crashDb });
    await store.createThread({ id: thread });
    await store.close();
  };
  const endEpoch = async (): Promise<void> => {
    problems.push(...(await verifyAfterCrashes(crashDb, thread, ledger)).map((p) => `epoch ${epoch} after the last round: ${p}`));
    totals.rounds += ledger.rounds;
    totals.sent += ledger.sent.length;
    totals.acknowledged += ledger.acknowledged.size;
    totals.committedUnacknowledged += ledger.committedUnacknowledged;
    totals.roundsWithAddsInFlight += ledger.roundsWithAddsInFlight;
  };
  // Every round and batch gets its own seed, derived from the run's: a failure names it.
  let draw = 0;
  const nextSeed = (): number => (seed + (draw += 1) * 7919) % 2 ** 31;
  const deadline = Date.now() + minutes * 60_000;
  try {
    await startEpoch();
    while (Date.now() < deadline && problems.length === 0) {
      for (let i = 0; i < CRASH_ROUNDS_PER_CYCLE && problems.length === 0; i += 1) {
        const [plan] = fc.sample(crashRoundPlan, { seed: nextSeed(), numRuns: 1 });
        if (plan === undefined) continue;
        problems.push(...(await runCrashRound(crashDb, thread, plan, ledger)).map((p) => `epoch ${epoch} round ${ledger.rounds}: ${p}`));
      }
      if (ledger.rounds >= ROUNDS_PER_EPOCH) {
        await endEpoch();
        await startEpoch();
      }
      for (let i = 0; i < FUZZ_BATCHES_PER_CYCLE && problems.length === 0; i += 1) {
        for (const server of servers) await fuzzServer(server, nextId, nextSeed());
      }
      const rounds = totals.rounds + ledger.rounds;
      log(`${Math.max(0, Math.round((deadline - Date.now()) / 1000))} s left: ${rounds} crash rounds, ${totals.acknowledged + ledger.acknowledged.size} acknowledged adds, ${figures.framesFuzzed} frames`);
    }
    await endEpoch();
  } finally {
    for (const server of servers) if (server.alive()) await server.stop();
  }
  const fuzzAfter = tableHashes(fuzzDb);
  if (JSON.stringify(fuzzAfter) !== JSON.stringify(fuzzBefore)) problems.push(`the fuzzed database changed: ${JSON.stringify({ fuzzBefore, fuzzAfter })}`);
  dir.dispose();

  Object.assign(figures, {
    crashRounds: totals.rounds,
    addsSent: totals.sent,
    addsAcknowledged: totals.acknowledged,
    acknowledgedLost: problems.filter((p) => p.includes("acknowledged add lost")).length,
    committedUnacknowledged: totals.committedUnacknowledged,
    roundsWithAddsInFlight: totals.roundsWithAddsInFlight,
  });
  process.stdout.write(`${JSON.stringify({ seed, minutes, ...figures, problems: problems.length }, null, 2)}\n`);
  for (const problem of problems.slice(0, 50)) log(`PROBLEM ${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

await main();
