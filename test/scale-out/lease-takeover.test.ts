/**
 * The instance dispatching a thread dies (SIGKILL) between claiming a queued turn and starting
 * it. Its lease runs out; another instance, where the thread is resumed, takes the thread over:
 * the interrupted row becomes failed with SPEC §3's recovery message and blocks the queue, and
 * nothing runs twice — the interrupted turn never ran, the next one runs once, on the new holder.
 */
import { afterEach, expect, it } from "vitest";
import { ECHO_START_DELAY_ENV } from "../../server/turns/echo-turn-runner.js";
import { describeWithPostgresServer } from "../support/backends.js";
import { agentText, listIds, queueTurn, startThread } from "../support/scenario-helpers.js";
import { startInstances, type InstanceSet } from "./instances.js";

const LEASE_TTL_MS = 1500;
const RECOVERED = { message: "queued turn dispatch was interrupted while app-server restarted", codexErrorInfo: null, additionalDetails: null };

describeWithPostgresServer("lease takeover after the dispatching instance dies", () => {
  let set: InstanceSet | undefined;
  afterEach(async () => {
    await set?.dispose();
    set = undefined;
  });

  it("fails the interrupted row on the instance that takes over after expiry, blocks behind it, runs nothing twice", async () => {
    const args = ["--lease-ttl-ms", String(LEASE_TTL_MS)];
    set = await startInstances(0, args);
    // The first instance holds every turn start for ten minutes: its dispatch stops right after the claim.
    const doomed = await set.start(args, { ...process.env, [ECHO_START_DELAY_ENV]: "600000" });
    const survivor = await set.start(args);
    const onDoomed = await doomed.connect();
    const threadId = await startThread(onDoomed);
    const interrupted = await queueTurn(onDoomed, threadId, "claimed when its instance died");
    await onDoomed.next("thread/queue/changed", (p) => p.queuedTurns.length === 0); // claimed
    const waiting = await queueTurn(onDoomed, threadId, "waits behind it");
    expect((await set.query<{ state: string }>("SELECT state FROM thread_queued_turns ORDER BY queue_order")).map((r) => r.state)).toEqual([
      "dispatching",
      "pending",
    ]);
    expect(await set.leaseHolder(threadId)).toBe(doomed);

    await doomed.server.kill();
    const onSurvivor = await survivor.connect();
    await onSurvivor.client.request("thread/resume", { threadId });
    // Until the lease expires the survivor only follows; then it takes the thread over.
    const recovered = await onSurvivor.next(
      "thread/queue/changed",
      (p) => p.queuedTurns[0]?.status.type === "failed",
      LEASE_TTL_MS * 10,
    );
    expect(recovered.queuedTurns).toEqual([
      { id: interrupted.id, turnStartParams: interrupted.turnStartParams, status: { type: "failed", error: RECOVERED } },
      waiting,
    ]);
    expect(await set.leaseHolder(threadId)).toBe(survivor);
    await onSurvivor.settle();
    expect(onSurvivor.all("turn/started")).toEqual([]);

    await onSurvivor.client.request("thread/queue/delete", { threadId, queuedTurnId: interrupted.id });
    const done = await onSurvivor.next("turn/completed");
    expect(agentText(done.turn)).toBe("waits behind it");
    await onSurvivor.settle();
    expect(onSurvivor.all("turn/completed").map((p) => agentText(p.turn))).toEqual(["waits behind it"]);
    expect(onDoomed.all("turn/started")).toEqual([]);
    expect(await listIds(onSurvivor, threadId)).toEqual([]);
  });
});
