/**
 * Issue #19: one slow or hostile client must not freeze, crash or stall the server for everyone
 * else. Each scenario runs against the real server process; `npm run soak` runs them at the
 * issue's full sizes (scripts/soak.ts).
 */
import { describe, expect, it } from "vitest";
import { dropWithUnsentAnswers, pipelinedListsOfLargeRows, stalledSubscriber } from "../support/hostile-clients.js";
import { MiB, procUnavailable, ResidentMemorySampler } from "../support/process-probe.js";
import { useWebSocketServers } from "../support/reliability-resources.js";

const UNKNOWN_THREAD = "01a21800-0000-7000-8000-0000000019f1";
const noProc = procUnavailable();

describe("a client that stops reading and disconnects", () => {
  const servers = useWebSocketServers();

  it.skipIf(noProc !== undefined)("with 150,000 answers unsent leaves the server answering a fresh client within 2 s", async () => {
    const { server } = await servers.start([]);
    const pid = server.child.pid as number;
    const memory = new ResidentMemorySampler(pid);
    const outcome = await dropWithUnsentAnswers({ url: server.url, httpUrl: server.httpUrl, pid }, {
      count: 150_000,
      waitMs: 3_000,
      threadId: UNKNOWN_THREAD,
      timeoutMs: 10_000,
    });
    const peak = memory.stop();
    // Before the fix: 93 s of 100 % CPU answering nobody (one RpcError with a stack per queued answer).
    expect(outcome.freshClientMs).toBeLessThan(2_000);
    expect(outcome.healthzMs).toBeLessThan(2_000);
    // The unsent answers are bounded by the outbound budget, not by what the client sent.
    expect(peak).toBeLessThan(256 * MiB);
    expect(server.child.exitCode).toBeNull();
    console.info(
      `[slow-clients] item 1: ${outcome.sent} requests sent, fresh client answered in ${outcome.freshClientMs.toFixed(0)} ms net (${outcome.freshClientWallMs.toFixed(0)} ms wall), /healthz in ${outcome.healthzMs.toFixed(0)} ms, peak RSS ${(peak / MiB).toFixed(0)} MiB`,
    );
  });
});

/**
 * The issue's acceptance bounds for item 2. Latencies are measured net of the time the server's
 * event loop and the probing client waited for a CPU (/proc schedstat, process-probe.ts): on a
 * machine busy with other work, wall-clock time is mostly other processes' time, not the
 * server's; both are printed.
 */
const RSS_BOUND = 512 * MiB;
const OTHER_CLIENT_BOUND_MS = 500;

describe("ordinary requests that used to exhaust memory", () => {
  const { start } = useWebSocketServers();
  const LARGE_ROWS_THREAD = "01a21800-0000-7000-8000-0000000019a2";
  // 100 rows of 1,000,000 characters are ~95 MiB: the queue budget is raised to hold them.
  const largeRowsArgs = ["--max-queue-bytes", String(128 * MiB), "--max-outbound-bytes", String(256 * MiB)];

  it.skipIf(noProc !== undefined)("45 pipelined lists of 100 rows of 1,000,000 characters stay under 512 MB while another client is answered", async () => {
    const { server, scenario } = await start(largeRowsArgs, LARGE_ROWS_THREAD);
    const figures = await pipelinedListsOfLargeRows(scenario, { threadId: LARGE_ROWS_THREAD, rows: 100, rowChars: 1_000_000, lists: 45, reading: true });
    console.info(`[slow-clients] item 2a (reading): peak RSS ${(figures.peakRssBytes / MiB).toFixed(0)} MiB, slowest other answer ${figures.slowestOtherClientMs.toFixed(0)} ms net (${figures.slowestOtherClientWallMs.toFixed(0)} wall) over ${figures.otherClientAnswers}, largest answer ${(figures.largestAnswerChars / MiB).toFixed(2)} MiB`);
    // Before: 4 GB in 11.5 s, then SIGABRT in Statement.all. Each page now ends at --max-page-bytes.
    expect(figures.answers).toBe(45);
    expect(figures.rowsPerAnswer.every((rows) => rows === 1)).toBe(true);
    expect(figures.largestAnswerChars).toBeLessThan(1.1 * MiB);
    expect(figures.peakRssBytes).toBeLessThan(RSS_BOUND);
    expect(figures.slowestOtherClientMs).toBeLessThan(OTHER_CLIENT_BOUND_MS);
    expect(server.child.exitCode).toBeNull();
  });

  it.skipIf(noProc !== undefined)("45 pipelined lists from a client that stops reading stay under 512 MB, and the server stops reading it", async () => {
    const { server, scenario } = await start(largeRowsArgs, LARGE_ROWS_THREAD);
    const figures = await pipelinedListsOfLargeRows(scenario, { threadId: LARGE_ROWS_THREAD, rows: 100, rowChars: 1_000_000, lists: 45, reading: false });
    console.info(`[slow-clients] item 2a (not reading): peak RSS ${(figures.peakRssBytes / MiB).toFixed(0)} MiB, slowest other answer ${figures.slowestOtherClientMs.toFixed(0)} ms net (${figures.slowestOtherClientWallMs.toFixed(0)} wall)`);
    expect(figures.peakRssBytes).toBeLessThan(RSS_BOUND);
    expect(figures.slowestOtherClientMs).toBeLessThan(OTHER_CLIENT_BOUND_MS);
    expect(server.child.exitCode).toBeNull();
  });

  it.skipIf(noProc !== undefined)("a subscriber that stops reading while 400 rows of 10 KB are added gets the newest snapshot, not all of them, and memory stays bounded", async () => {
    const { server, scenario } = await start(["--turn-delay-ms", "600000"]);
    const figures = await stalledSubscriber(scenario, { adds: 400, rowChars: 10_000, busy: true, window: 1 });
    console.info(`[slow-clients] item 2b (stalled subscriber): peak RSS ${(figures.peakRssBytes / MiB).toFixed(0)} MiB, slowest other answer ${figures.slowestOtherClientMs.toFixed(0)} ms net (${figures.slowestOtherClientWallMs.toFixed(0)} wall), stalled subscriber got ${figures.subscriberSnapshots} snapshots, the reading writer ${figures.writerSnapshots}`);
    // Before: every snapshot (the k-th holds k rows) waited for it in memory: 600 adds → 3.2 GB.
    expect(figures.peakRssBytes).toBeLessThan(RSS_BOUND);
    expect(figures.slowestOtherClientMs).toBeLessThan(OTHER_CLIENT_BOUND_MS);
    // The subscriber that reads got the whole queue; the one that stalled got the newest queue once it read again.
    expect(figures.writerLatestRows).toBe(400);
    expect(figures.subscriberDropped).toBe(false);
    expect(figures.subscriberLatestRows).toBe(400);
    expect(figures.subscriberSnapshots).toBeLessThan(figures.writerSnapshots);
    expect(server.child.exitCode).toBeNull();
  });

  it.skipIf(noProc !== undefined)("a subscriber whose backlog passes --max-outbound-bytes is disconnected with a log line, and the others are served", async () => {
    // Small budgets so the kernel's socket buffers are passed quickly; turns run, so their
    // notifications (which never supersede each other) pile up behind the stalled reader.
    const { server, scenario } = await start(["--outbound-high-water-bytes", String(256 * 1024), "--max-outbound-bytes", String(2 * MiB), "--max-queue-bytes", String(MiB)]);
    const figures = await stalledSubscriber(scenario, { adds: 600, rowChars: 10_000, busy: false, window: 1 });
    expect(figures.subscriberDropped).toBe(true);
    expect(server.stderr).toMatch(/closing the connection of 127\.0\.0\.1:\d+: \d+ bytes in \d+ message\(s\) waited to be sent \(limit 2097152, --max-outbound-bytes\); the client is not reading what it is sent/);
    expect(figures.slowestOtherClientMs).toBeLessThan(OTHER_CLIENT_BOUND_MS);
    expect(server.child.exitCode).toBeNull();
    // A hang bound, not a timing: its 600 turns run one after another, and waiting for the queue
    // to drain has its own 60 s deadline — on a loaded machine the whole takes longer than the default.
  }, 240_000);
});
