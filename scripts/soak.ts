/**
 * The long randomised soak behind docs/guarantees.md: the same checks as test/reliability,
 * run for minutes instead of seconds, with fresh seeds.
 *
 *   npm run soak                      10 minutes (the documented default)
 *   npm run soak -- --minutes 60      longer
 *   npm run soak -- --seed 1234       replay a run (every seed is printed)
 *
 * First, once, the slow and hostile clients of issue #19 at its full sizes (test/support/
 * hostile-clients.ts; `npm test` runs them smaller): 1,000,000 unsent answers and a hang-up,
 * pipelined lists of 1 MB rows, a stalled subscriber over 850 adds, a 10,000-row reorder, and
 * 300,000 threads left idle — each against its acceptance bound (`--skip-hostile` leaves them out).
 *
 * Then each cycle: SIGKILL crash rounds of pipelined thread/queue/add against one database (every
 * acknowledged add must survive once, in order, nothing half-written), then batches of
 * generated garbage against a long-running stdio server and a WebSocket server (one right
 * answer per request, none for notifications, no table changed by a byte). Figures are printed
 * at the end; the exit code is 1 if anything was lost, duplicated or answered wrongly.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { SqliteQueueStore } from "../server/store/index.js";
import { CrashLedger, crashRoundPlan, runCrashRound, verifyAfterCrashes } from "../test/support/reliability-crash.js";
import { leaseCount, persistThread, tableHashes } from "../test/support/reliability-db.js";
import { buildFrame, checkAnswers, expectedAnswerCount, frameTemplate, hugeTemplate, type FuzzFrame } from "../test/support/reliability-frames.js";
import { collectAnswers, initializeRaw, startRawServer, type RawServer } from "../test/support/reliability-server.js";
import {
  dropWithUnsentAnswers,
  pipelinedListsOfLargeRows,
  reorderWholeQueue,
  sleep,
  stalledSubscriber,
  startThreadsAndLeave,
} from "../test/support/hostile-clients.js";
import { cpuShare, MiB, procUnavailable } from "../test/support/process-probe.js";
import { TempDir, WebSocketServerProcess } from "../test/support/server-process.js";

export const DEFAULT_SOAK_MINUTES = 10;
const CRASH_ROUNDS_PER_CYCLE = 5;
const ROUNDS_PER_EPOCH = 40;
const FUZZ_BATCHES_PER_CYCLE = 20;
const MAX_FRAME_BYTES = 1 << 20;
const THREAD = "01a21800-0000-7000-8000-00000000050a";

const { values } = parseArgs({ options: { minutes: { type: "string" }, seed: { type: "string" }, "skip-hostile": { type: "boolean" } } });
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

/** The acceptance bounds of issue #19. */
const BOUNDS = { freshClientMs: 2_000, rssBytes: 512 * MiB, otherClientMs: 500, reorderMs: 1_000, idleCpuShare: 0.05 };
const hostile: Record<string, unknown> = {};

/** One scenario against a fresh WebSocket server on its own database; its figures go into `hostile`. */
async function hostileScenario(name: string, args: readonly string[], thread: string | undefined, run: (server: WebSocketServerProcess, dbPath: string) => Promise<Record<string, unknown>>): Promise<void> {
  const dir = new TempDir();
  const dbPath = dir.file("hostile.sqlite");
  if (thread !== undefined) await persistThread(dbPath, thread);
  const server = await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", ...args]);
  const started = performance.now();
  try {
    const figures = await run(server, dbPath);
    if (server.child.exitCode !== null || server.child.signalCode !== null) problems.push(`hostile ${name}: the server died`);
    hostile[name] = { ...figures, seconds: Math.round((performance.now() - started) / 100) / 10 };
    log(`hostile ${name}: ${JSON.stringify(hostile[name])}`);
  } catch (error) {
    problems.push(`hostile ${name}: ${(error as Error).message}`);
  } finally {
    await server.stop();
    dir.dispose();
  }
}

function bound(name: string, what: string, value: number, limit: number): void {
  if (!(value < limit)) problems.push(`hostile ${name}: ${what} ${Math.round(value)} is not below ${limit}`);
}

async function hostileClients(): Promise<void> {
  const unavailable = procUnavailable();
  if (unavailable !== undefined) {
    log(`hostile clients skipped: ${unavailable}`);
    return;
  }
  const big = "01a21800-0000-7000-8000-00000000019b";
  await hostileScenario("unsentAnswers1M", [], undefined, async (server) => {
    const outcome = await dropWithUnsentAnswers({ url: server.url, httpUrl: server.httpUrl, pid: server.child.pid as number }, { count: 1_000_000, waitMs: 3_000, threadId: big, timeoutMs: 60_000 });
    bound("unsentAnswers1M", "fresh client ms", outcome.freshClientMs, BOUNDS.freshClientMs);
    return { ...outcome };
  });
  for (const reading of [true, false]) {
    const name = reading ? "largeRowLists" : "largeRowListsNotRead";
    await hostileScenario(name, ["--max-queue-bytes", String(128 * MiB), "--max-outbound-bytes", String(256 * MiB)], big, async (server) => {
      const figures = await pipelinedListsOfLargeRows({ url: server.url, pid: server.child.pid as number }, { threadId: big, rows: 100, rowChars: 1_000_000, lists: 200, reading });
      bound(name, "peak RSS", figures.peakRssBytes, BOUNDS.rssBytes);
      bound(name, "other client ms", figures.slowestOtherClientMs, BOUNDS.otherClientMs);
      return { peakRssMiB: Math.round(figures.peakRssBytes / MiB), slowestOtherClientMs: Math.round(figures.slowestOtherClientMs), slowestOtherClientWallMs: Math.round(figures.slowestOtherClientWallMs), answers: figures.answers };
    });
  }
  await hostileScenario("stalledSubscriber850", ["--turn-delay-ms", "600000"], undefined, async (server) => {
    const figures = await stalledSubscriber({ url: server.url, pid: server.child.pid as number }, { adds: 850, rowChars: 10_000, busy: true, window: 1 });
    bound("stalledSubscriber850", "peak RSS", figures.peakRssBytes, BOUNDS.rssBytes);
    bound("stalledSubscriber850", "other client ms", figures.slowestOtherClientMs, BOUNDS.otherClientMs);
    if (figures.subscriberLatestRows !== 850) problems.push(`hostile stalledSubscriber850: the stalled subscriber ended with ${String(figures.subscriberLatestRows)} rows, not 850`);
    return { peakRssMiB: Math.round(figures.peakRssBytes / MiB), slowestOtherClientMs: Math.round(figures.slowestOtherClientMs), slowestOtherClientWallMs: Math.round(figures.slowestOtherClientWallMs), stalledGot: figures.subscriberSnapshots, readerGot: figures.writerSnapshots };
  });
  await hostileScenario("reorder10k", [], big, async (server) => {
    const outcome = await reorderWholeQueue({ url: server.url, pid: server.child.pid as number }, { threadId: big, rows: 10_000 });
    bound("reorder10k", "reorder ms", outcome.reorderMs, BOUNDS.reorderMs);
    if (JSON.stringify(outcome.listedIds) !== JSON.stringify(outcome.requestedIds)) problems.push("hostile reorder10k: the queue is not in the requested order");
    return { reorderMs: Math.round(outcome.reorderMs), reorderWallMs: Math.round(outcome.reorderWallMs) };
  });
  await hostileScenario("idleThreads300k", ["--thread-idle-unload-ms", "10000"], undefined, async (server, dbPath) => {
    const started = performance.now();
    await startThreadsAndLeave(server.url, 300_000);
    const startSeconds = (performance.now() - started) / 1000;
    const left = performance.now();
    while (leaseCount(dbPath) > 0 && performance.now() - left < 600_000) await sleep(1_000);
    const unloadSeconds = (performance.now() - left) / 1000;
    const share = await cpuShare(server.child.pid as number, 10_000);
    bound("idleThreads300k", "CPU % after unloading", share * 100, BOUNDS.idleCpuShare * 100);
    return { startSeconds: Math.round(startSeconds), unloadedAfterSeconds: Math.round(unloadSeconds), cpuPercent: Math.round(share * 1000) / 10 };
  });
}

async function main(): Promise<void> {
  log(`seed ${seed}, ${minutes} minute(s)`);
  if (values["skip-hostile"] !== true) await hostileClients();
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
  process.stdout.write(`${JSON.stringify({ seed, minutes, ...figures, hostile, problems: problems.length }, null, 2)}\n`);
  for (const problem of problems.slice(0, 50)) log(`PROBLEM ${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

await main();
