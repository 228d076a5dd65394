/**
 * Issue #19, item 5: loaded threads were never unloaded, and every `--lease-ttl-ms / 3` the
 * server renewed the lease of each one in a single statement — after 300,000 `thread/start` the
 * server sat at 39 % CPU with 1.6 s stalls, long after the client had left. Now a thread with
 * no subscriber and nothing running is unloaded after `--thread-idle-unload-ms` (its lease
 * released), and renewals go in batches.
 */
import { describe, expect, it } from "vitest";
import { LeanClient, sleep, startThreadsAndLeave } from "../support/hostile-clients.js";
import { cpuShare, procUnavailable } from "../support/process-probe.js";
import { leaseCount } from "../support/reliability-db.js";
import { useWebSocketServers } from "../support/reliability-resources.js";

const noProc = procUnavailable();

describe("threads started and left idle", () => {
  const servers = useWebSocketServers();

  it.skipIf(noProc !== undefined)("20,000 threads left idle are unloaded after the grace period, their leases released, and cost under 5 % CPU", async () => {
    // A short lease makes renewals frequent (every 500 ms): what 300,000 threads cost at the
    // default, 20,000 cost here — before the fix, that kept the server busy indefinitely.
    const { server, dbPath } = await servers.start(["--thread-idle-unload-ms", "2000", "--lease-ttl-ms", "1500"]);
    const pid = server.child.pid as number;
    const threadIds = await startThreadsAndLeave(server.url, 20_000);
    expect(leaseCount(dbPath)).toBe(20_000);

    // Unloaded after the grace period: every lease released.
    const deadline = performance.now() + 30_000;
    while (leaseCount(dbPath) > 0 && performance.now() < deadline) await sleep(250);
    expect(leaseCount(dbPath)).toBe(0);
    const share = await cpuShare(pid, 3_000);
    console.info(`[idle-threads] 20,000 threads unloaded; then ${(share * 100).toFixed(1)} % of a core over 3 s`);
    expect(share).toBeLessThan(0.05);

    // An unloaded thread is a persisted thread like any other: it can be resumed, and is leased again.
    const client = await LeanClient.connect(server.url);
    const resumed = await client.call("thread/resume", { threadId: threadIds[123] });
    expect((resumed.thread as { id: string }).id).toBe(threadIds[123]);
    expect(leaseCount(dbPath)).toBe(1);
    client.terminate();
    expect(server.child.exitCode).toBeNull();
  });
});
