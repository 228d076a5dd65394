/**
 * The multi-instance half of the QueueStore contract — queue versions, thread leases, the
 * change feed — as one suite each backend runs. `openPeer` opens a second store on the same
 * database: another server instance.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QueueChange, QueueStore, ThreadLeaseRequest } from "./queue-store.js";

export interface CoordinatedStoresUnderTest {
  store: QueueStore;
  /** Another store on the same database (closed by `dispose`). */
  openPeer(): Promise<QueueStore>;
  dispose(): Promise<void>;
}

const PARAMS = '{"threadId":"t","input":[]}';
const ABANDONED = '{"message":"abandoned"}';
const lease = (ownerId: string, extra: Partial<ThreadLeaseRequest> = {}): ThreadLeaseRequest => ({
  ownerId,
  ttlMs: 60_000,
  abandonedClaimFailureJson: ABANDONED,
  ...extra,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 10 s) for the feed to say it is live, and fails the test when it never does. */
async function untilResync(heard: readonly QueueChange[]): Promise<void> {
  const live = () => heard.some((change) => change.type === "resync");
  for (let waited = 0; !live() && waited < 10_000; waited += 10) await sleep(10);
  expect(live(), "the change feed reported no resync within 10 s").toBe(true);
}

export function describeQueueCoordinationContract(backend: string, open: () => Promise<CoordinatedStoresUnderTest>): void {
  describe(`QueueStore coordination contract: ${backend}`, () => {
    let subject: CoordinatedStoresUnderTest;
    let store: QueueStore;
    let threads = 0;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.dispose());

    async function newThread(): Promise<string> {
      const id = `coord-${++threads}`;
      await store.createThread({ id });
      return id;
    }
    const version = async (threadId: string) => (await store.readQueueSnapshot(threadId)).version;

    describe("queue versions", () => {
      it("move with every visible change and only then, and come with a consistent snapshot", async () => {
        const thread = await newThread();
        expect(await store.readQueueSnapshot(thread)).toEqual({ version: 0, rows: [] });
        const [a, b, c] = [
          await store.appendQueuedTurn(thread, PARAMS),
          await store.appendQueuedTurn(thread, PARAMS),
          await store.appendQueuedTurn(thread, PARAMS),
        ];
        expect(await version(thread)).toBe(3);
        await store.reorderQueuedTurns(thread, [c.queuedTurnId, a.queuedTurnId, b.queuedTurnId]);
        expect(await version(thread)).toBe(4);
        expect(await store.deleteQueuedTurn(thread, "no-such-row")).toBe(false);
        expect(await store.claimHeadQueuedTurn(thread)).toMatchObject({ queuedTurnId: c.queuedTurnId });
        expect(await version(thread)).toBe(5);
        // Invisible steps: recording the turn id, removing the started row.
        await store.setDispatchTurnId(c.queuedTurnId, "turn-c");
        await store.removeDispatchingQueuedTurn(thread, "turn-c");
        expect(await store.claimHeadQueuedTurn(thread)).toMatchObject({ queuedTurnId: a.queuedTurnId });
        expect(await version(thread)).toBe(6);
        await store.markQueuedTurnFailed(a.queuedTurnId, ABANDONED);
        expect(await version(thread)).toBe(7);
        expect(await store.deleteQueuedTurn(thread, a.queuedTurnId)).toBe(true);
        await store.claimHeadQueuedTurn(thread);
        expect(await store.recoverDispatchingQueuedTurns(thread, ABANDONED)).toBe(1);
        expect(await store.recoverDispatchingQueuedTurns(thread, ABANDONED)).toBe(0);
        const snapshot = await store.readQueueSnapshot(thread);
        expect(snapshot.version).toBe(10);
        expect(snapshot.rows).toEqual(await store.listVisibleQueuedTurns(thread));
        expect(snapshot.rows.map((row) => [row.queuedTurnId, row.state])).toEqual([[b.queuedTurnId, "failed"]]);
      });

      it("an unstarted claim goes back to its place as pending; a recorded one stays", async () => {
        const thread = await newThread();
        const [first, second] = [await store.appendQueuedTurn(thread, PARAMS), await store.appendQueuedTurn(thread, PARAMS)];
        await store.claimHeadQueuedTurn(thread);
        expect(await store.requeueUnstartedQueuedTurns(thread)).toBe(1);
        expect(await version(thread)).toBe(4);
        expect((await store.listVisibleQueuedTurns(thread)).map((row) => [row.queuedTurnId, row.state])).toEqual([
          [first.queuedTurnId, "pending"],
          [second.queuedTurnId, "pending"],
        ]);
        await store.claimHeadQueuedTurn(thread);
        await store.setDispatchTurnId(first.queuedTurnId, "turn-1");
        expect(await store.requeueUnstartedQueuedTurns(thread)).toBe(0);
        expect(await store.removeDispatchingQueuedTurn(thread, "turn-1")).toBe(true);
      });

      it("are read for many threads at once, unknown ones left out", async () => {
        const one = await newThread();
        const two = await newThread();
        await store.appendQueuedTurn(two, PARAMS);
        expect(await store.readQueueVersions([one, two, "no-such-thread"])).toEqual(
          new Map([
            [one, 0],
            [two, 1],
          ]),
        );
        expect(await store.readQueueVersions([])).toEqual(new Map());
        expect(await store.readQueueSnapshot("no-such-thread")).toEqual({ version: 0, rows: [] });
      });
    });

    describe("thread leases", () => {
      it("go to the first owner, are renewed for it, refused to others, and released", async () => {
        const thread = await newThread();
        expect(await store.acquireThreadLease(thread, lease("a"))).toEqual({ acquired: true, how: "free", previousOwnerId: null, recovered: 0 });
        expect(await store.acquireThreadLease(thread, lease("a"))).toEqual({ acquired: true, how: "held", previousOwnerId: null, recovered: 0 });
        const refused = await store.acquireThreadLease(thread, lease("b"));
        expect(refused).toMatchObject({ acquired: false, ownerId: "a" });
        expect(refused.acquired === false && refused.expiresInMs > 0).toBe(true);
        expect(await store.renewThreadLeases("a", [thread, "no-such-thread"], 60_000)).toEqual([thread]);
        expect(await store.renewThreadLeases("b", [thread], 60_000)).toEqual([]);
        expect(await store.releaseThreadLeases("b", [thread])).toBe(0);
        expect(await store.releaseThreadLeases("a", [thread])).toBe(1);
        expect(await store.acquireThreadLease(thread, lease("b"))).toMatchObject({ acquired: true, how: "free" });
        await expect(store.acquireThreadLease("no-such-thread", lease("a"))).rejects.toMatchObject({ code: "thread_not_found" });
        await expect(store.acquireThreadLease(thread, lease("a", { ttlMs: 0 }))).rejects.toMatchObject({ code: "invalid_argument" });
      });

      it("change hands after expiry or eviction, failing the previous owner's claim in the same step", async () => {
        const thread = await newThread();
        const [claimedByA, next] = [await store.appendQueuedTurn(thread, PARAMS), await store.appendQueuedTurn(thread, PARAMS)];
        await store.acquireThreadLease(thread, lease("a", { ttlMs: 1 }));
        await sleep(20);
        // A's lease has run out: its claims are refused, whatever it believes.
        expect(await store.claimHeadQueuedTurn(thread, "a")).toBeNull();
        expect(await store.acquireThreadLease(thread, lease("a"))).toMatchObject({ acquired: true, how: "held", recovered: 0 });
        expect((await store.claimHeadQueuedTurn(thread, "a"))?.queuedTurnId).toBe(claimedByA.queuedTurnId);
        // B may not take a live lease, claim under it, or renew it; but it may evict an owner it knows is dead.
        expect(await store.acquireThreadLease(thread, lease("b"))).toMatchObject({ acquired: false, ownerId: "a" });
        expect(await store.acquireThreadLease(thread, lease("b", { evictOwnerId: "someone-else" }))).toMatchObject({ acquired: false });
        const before = await version(thread);
        expect(await store.acquireThreadLease(thread, lease("b", { evictOwnerId: "a" }))).toEqual({
          acquired: true,
          how: "evicted",
          previousOwnerId: "a",
          recovered: 1,
        });
        expect(await version(thread)).toBe(before + 1);
        const visible = await store.listVisibleQueuedTurns(thread);
        expect(visible.map((row) => [row.queuedTurnId, row.state])).toEqual([
          [claimedByA.queuedTurnId, "failed"],
          [next.queuedTurnId, "pending"],
        ]);
        expect(JSON.parse(visible[0]?.failureJson ?? "null")).toEqual({ message: "abandoned" });
        // The old owner's late steps find nothing to act on.
        expect(await store.setDispatchTurnId(claimedByA.queuedTurnId, "late")).toBe(false);
        expect(await store.claimHeadQueuedTurn(thread, "a")).toBeNull();
        expect(await store.renewThreadLeases("a", [thread], 60_000)).toEqual([]);

        await store.deleteQueuedTurn(thread, claimedByA.queuedTurnId);
        await store.acquireThreadLease(thread, lease("b", { ttlMs: 1 }));
        await sleep(20);
        expect(await store.acquireThreadLease(thread, lease("c"))).toEqual({ acquired: true, how: "expired", previousOwnerId: "b", recovered: 0 });
        expect((await store.claimHeadQueuedTurn(thread, "c"))?.queuedTurnId).toBe(next.queuedTurnId);
      });

      it("a fresh lease recovers claims nobody holds; a claim without an owner ignores leases", async () => {
        const thread = await newThread();
        await store.appendQueuedTurn(thread, PARAMS);
        expect(await store.claimHeadQueuedTurn(thread)).not.toBeNull();
        expect(await store.acquireThreadLease(thread, lease("a"))).toMatchObject({ acquired: true, how: "free", recovered: 1 });
      });
    });

    describe("change feed", () => {
      it("reports another store's commits with their versions, never the store's own", async () => {
        const peer = await subject.openPeer();
        const heard: QueueChange[] = [];
        const unsubscribe = store.subscribeQueueChanges((change) => heard.push(change));
        // Commits before the first resync may go unreported (PostgreSQL's LISTEN opens meanwhile).
        await untilResync(heard);
        const thread = await newThread();
        await store.appendQueuedTurn(thread, PARAMS);
        const row = await peer.appendQueuedTurn(thread, PARAMS);
        await peer.claimHeadQueuedTurn(thread);
        await peer.deleteQueuedTurn(thread, row.queuedTurnId);
        await store.appendQueuedTurn(thread, PARAMS);
        const changed = () => heard.flatMap((change) => (change.type === "changed" ? [[change.threadId, change.version]] : []));
        for (let waited = 0; changed().length < 3 && waited < 10_000; waited += 10) await sleep(10);
        await sleep(50);
        // The peer's append, claim and delete; not the store's own appends (versions 1 and 5).
        expect(changed()).toEqual([
          [thread, 2],
          [thread, 3],
          [thread, 4],
        ]);
        unsubscribe();
        await peer.appendQueuedTurn(thread, PARAMS);
        await sleep(50);
        expect(changed()).toHaveLength(3);
      });

      it("tells every subscriber, also one joining a live feed, that it is live with a resync first", async () => {
        const first: QueueChange[] = [];
        const stopFirst = store.subscribeQueueChanges((change) => first.push(change));
        await untilResync(first);
        expect(first[0]).toEqual({ type: "resync", reason: "listening for queue changes" });
        const second: QueueChange[] = [];
        const stopSecond = store.subscribeQueueChanges((change) => second.push(change));
        await untilResync(second);
        expect(second[0]).toEqual({ type: "resync", reason: "listening for queue changes" });
        // And the late subscriber hears what follows.
        const peer = await subject.openPeer();
        const thread = await newThread();
        await peer.appendQueuedTurn(thread, PARAMS);
        const changedOf = (heard: QueueChange[]) => heard.filter((change) => change.type === "changed");
        for (let waited = 0; changedOf(second).length < 1 && waited < 10_000; waited += 10) await sleep(10);
        expect(changedOf(second)).toEqual([{ type: "changed", threadId: thread, version: 1 }]);
        stopFirst();
        stopSecond();
      });
    });
  });
}
