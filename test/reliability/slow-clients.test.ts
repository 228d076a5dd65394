/**
 * Issue #19: one slow or hostile client must not freeze, crash or stall the server for everyone
 * else. Each scenario runs against the real server process; `npm run soak` runs them at the
 * issue's full sizes (scripts/soak.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { dropWithUnsentAnswers } from "../support/hostile-clients.js";
import { MiB, procUnavailable, ResidentMemorySampler } from "../support/process-probe.js";
import { TempDir, WebSocketServerProcess } from "../support/server-process.js";

const UNKNOWN_THREAD = "01a21800-0000-7000-8000-0000000019f1";
const noProc = procUnavailable();

describe("a client that stops reading and disconnects", () => {
  const dirs: TempDir[] = [];
  const servers: WebSocketServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const dir of dirs.splice(0)) dir.dispose();
  });

  it.skipIf(noProc !== undefined)("with 150,000 answers unsent leaves the server answering a fresh client within 2 s", async () => {
    const dir = new TempDir();
    dirs.push(dir);
    const server = await WebSocketServerProcess.start(dir.file("queue.sqlite"), ["--log-level", "warn"]);
    servers.push(server);
    const pid = server.child.pid as number;
    const memory = new ResidentMemorySampler(pid);
    const outcome = await dropWithUnsentAnswers(server.url, server.httpUrl, {
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
    console.info(`[slow-clients] item 1: ${outcome.sent} requests sent, fresh client answered in ${outcome.freshClientMs.toFixed(0)} ms, /healthz in ${outcome.healthzMs.toFixed(0)} ms, peak RSS ${(peak / MiB).toFixed(0)} MiB`);
  });
});
