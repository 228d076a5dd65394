/**
 * A second process on a shared database file, for the multi-process tests:
 *   store-process.ts open  <path>              → prints the schema version
 *   store-process.ts drain <path> <thread,…>   → prints "ready", waits for a line on stdin, then
 *                                                 claims and completes until every queue is empty
 *                                                 and prints the claimed queued turn ids
 *   store-process.ts crash <path> <thread>     → appends 8 rows at once, claims the head, prints
 *                                                 what was acknowledged, then dies by SIGKILL
 *                                                 without closing the store
 * The ready/go handshake makes the processes race from the same moment despite start-up costs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SqliteQueueStore } from "./sqlite-queue-store.js";

const [mode, path, threadList = ""] = process.argv.slice(2);
if (!path || (mode !== "open" && mode !== "drain" && mode !== "crash")) {
  process.stderr.write("usage: store-process.ts open|drain|crash <path> [thread,…]\n");
  process.exit(2);
}
const store = await SqliteQueueStore.open({ path });
try {
  if (mode === "open") {
    process.stdout.write(`${JSON.stringify(store.schemaVersion)}\n`);
  } else if (mode === "crash") {
    const appended = await Promise.all(Array.from({ length: 8 }, () => store.appendQueuedTurn(threadList, "{}")));
    const claimed = await store.claimHeadQueuedTurn(threadList);
    process.stdout.write(`${JSON.stringify({ appended: appended.map((row) => row.queuedTurnId), claimed: claimed?.queuedTurnId })}\n`);
    process.kill(process.pid, "SIGKILL");
  } else {
    process.stdout.write("ready\n");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    process.stdin.pause();
    process.stdout.write(`${JSON.stringify(await drain(store, threadList.split(",")))}\n`);
  }
} finally {
  await store.close();
}

async function drain(store: SqliteQueueStore, threads: string[]): Promise<string[]> {
  const claimed: string[] = [];
  // Each pass works every thread at once, so one batch carries several claims.
  const work = async (thread: string): Promise<boolean> => {
    const row = await store.claimHeadQueuedTurn(thread);
    if (!row) return false;
    claimed.push(row.queuedTurnId);
    const turnId = `turn-${process.pid}-${row.queuedTurnId}`;
    const started =
      (await store.setDispatchTurnId(row.queuedTurnId, turnId)) && (await store.removeDispatchingQueuedTurn(thread, turnId));
    if (!started) throw new Error(`claim of ${row.queuedTurnId} was lost`);
    return true;
  };
  for (;;) {
    // Leave the write lock free for a moment: SQLite's busy retry is not fair, and without a
    // pause the first process to start would take every row before the others get a turn.
    await sleep(1);
    if ((await Promise.all(threads.map(work))).some(Boolean)) continue;
    // Nothing claimable: done once no visible row is left (another process may hold the last claim).
    const remaining = await Promise.all(threads.map((thread) => store.listVisibleQueuedTurns(thread)));
    if (remaining.every((rows) => rows.length === 0)) return claimed;
  }
}
