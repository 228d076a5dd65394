/**
 * The idempotent-add scenarios of issue 14, written once against the protocol and run on every
 * deployment shape: two clients on two server instances of one PostgreSQL database, two
 * processes on one SQLite file, and two connections to one SQLite server. `first` is the client
 * whose instance starts (and so dispatches) the thread; `second` adds and retries through the
 * other door.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { QueuedTurn, TurnStartParams } from "../../generated/types/v2/index.js";
import { agentText, listIds, queueTurn, rpcFailure, startThread, textTurn } from "../support/scenario-helpers.js";
import type { TestClient } from "../support/test-client.js";

export interface Doors {
  readonly first: () => TestClient;
  readonly second: () => TestClient;
}

export async function addWithId(client: TestClient, threadId: string, clientUserMessageId: string, text: string, extra: Partial<TurnStartParams> = {}): Promise<QueuedTurn> {
  const { queuedTurn } = await client.client.request("thread/queue/add", { threadId, turnStartParams: textTurn(threadId, text, extra), clientUserMessageId });
  return queuedTurn;
}

/** A thread started through `first`, followed through `second`, whose queue is held by a failed head. */
export async function blockedThread(doors: Doors): Promise<{ threadId: string; blocker: QueuedTurn }> {
  const threadId = await startThread(doors.first());
  await doors.second().client.request("thread/resume", { threadId });
  await doors.second().next("thread/queue/changed", (p) => p.threadId === threadId);
  const blocker = await queueTurn(doors.first(), threadId, "cannot start", { cwd: join(tmpdir(), "thread-queue-no-such-dir") });
  await doors.second().next("thread/queue/changed", (p) => p.threadId === threadId && p.queuedTurns[0]?.status.type === "failed");
  return { threadId, blocker };
}

const completedTexts = (client: TestClient, threadId: string): string[] =>
  client.all("turn/completed").filter((p) => p.threadId === threadId).map((p) => agentText(p.turn) ?? "");

export function idempotentAddScenarios(doors: Doors): void {
  it("concurrent retries of one clientUserMessageId through both doors yield one row and one turn", async () => {
    const { first, second } = doors;
    const { threadId, blocker } = await blockedThread(doors);
    const ids = Array.from({ length: 10 }, (_, i) => `retry-${i}`);
    const answers = await Promise.all(
      ids.map(async (id) => Promise.all([addWithId(first(), threadId, id, `text of ${id}`), addWithId(second(), threadId, id, `text of ${id}`)])),
    );
    for (const [index, [a, b]] of answers.entries()) {
      expect(a.id, `the two answers for ${ids[index]}`).toBe(b.id);
      expect(a.clientUserMessageId).toBe(ids[index]);
      expect(b).toEqual(a);
    }
    const { data } = await second().client.request("thread/queue/list", { threadId, limit: 100 });
    expect(data).toHaveLength(1 + ids.length);
    expect(data[0]?.id).toBe(blocker.id);
    expect(data.slice(1).map((row) => row.id).sort()).toEqual(answers.map(([a]) => a.id).sort());
    expect(data.slice(1).map((row) => row.clientUserMessageId).sort()).toEqual([...ids].sort());
    expect(data[0]?.clientUserMessageId).toBeUndefined();

    await second().client.request("thread/queue/delete", { threadId, queuedTurnId: blocker.id });
    await expect.poll(() => completedTexts(first(), threadId).length, { timeout: 20_000, interval: 50 }).toBe(ids.length);
    await first().settle();
    // One turn per id, in the order the rows were queued.
    expect(completedTexts(first(), threadId)).toEqual(data.slice(1).map((row) => (row.turnStartParams.input[0] as { text: string }).text));
  });

  it("a retry while the row is queued answers with it and sends no thread/queue/changed", async () => {
    const { first, second } = doors;
    const { threadId } = await blockedThread(doors);
    const added = await addWithId(second(), threadId, "queued-once", "only once");
    await first().next("thread/queue/changed", (p) => p.threadId === threadId && p.queuedTurns.some((row) => row.id === added.id));
    await first().settle();
    await second().settle();
    const before = [first().all("thread/queue/changed").length, second().all("thread/queue/changed").length];
    expect(await addWithId(first(), threadId, "queued-once", "only once")).toEqual(added);
    expect(await addWithId(second(), threadId, "queued-once", "only once")).toEqual(added);
    await first().settle();
    await second().settle();
    expect([first().all("thread/queue/changed").length, second().all("thread/queue/changed").length]).toEqual(before);
    expect((await listIds(first(), threadId)).filter((id) => id === added.id)).toHaveLength(1);
  });

  it("a retry after the row was dispatched returns the dispatched row's id and runs nothing", async () => {
    const { first, second } = doors;
    const threadId = await startThread(first());
    await second().client.request("thread/resume", { threadId });
    const added = await addWithId(second(), threadId, "dispatched-once", "ran once");
    await expect.poll(() => completedTexts(first(), threadId), { timeout: 15_000, interval: 20 }).toEqual(["ran once"]);
    const retried = [await addWithId(second(), threadId, "dispatched-once", "ran once"), await addWithId(first(), threadId, "dispatched-once", "ran once")];
    for (const answer of retried) {
      expect(answer.id).toBe(added.id);
      expect(answer.clientUserMessageId).toBe("dispatched-once");
      expect(answer.turnStartParams).toEqual(added.turnStartParams);
    }
    await first().settle(500);
    expect(completedTexts(first(), threadId)).toEqual(["ran once"]);
    expect(first().all("turn/started").filter((p) => p.threadId === threadId)).toHaveLength(1);
    expect(await listIds(second(), threadId)).toEqual([]);
  });

  it("the same id with other turnStartParams is -32600 naming the conflict, and changes nothing", async () => {
    const { first, second } = doors;
    const { threadId } = await blockedThread(doors);
    const added = await addWithId(first(), threadId, "one-meaning", "the first meaning");
    const refused = await rpcFailure(addWithId(second(), threadId, "one-meaning", "another meaning"));
    expect(refused).toEqual({
      code: -32600,
      message: `clientUserMessageId "one-meaning" is already used by queued turn ${added.id} of thread ${threadId} with different turnStartParams`,
      data: undefined,
    });
    const { data } = await first().client.request("thread/queue/list", { threadId, limit: 100 });
    expect(data.filter((row) => row.clientUserMessageId === "one-meaning")).toEqual([added]);
  });

  it("an id that is empty or longer than 256 characters is invalid params", async () => {
    const { first } = doors;
    const threadId = await startThread(first());
    for (const id of ["", "x".repeat(257)]) {
      expect((await rpcFailure(addWithId(first(), threadId, id, "never queued"))).code).toBe(-32602);
    }
    expect((await addWithId(first(), threadId, "x".repeat(256), "queued")).clientUserMessageId).toBe("x".repeat(256));
  });
}
