/**
 * A resync is the dispatcher's only way to learn of changes its change feed did not report
 * (before the feed was live, or while it was down). When the re-read itself fails, it must be
 * tried again — otherwise the missed change stays unseen until the thread's next change.
 */
import { afterEach, expect, it } from "vitest";
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import { createStderrLogger } from "../logger.js";
import { QueueStoreError, type QueueStore } from "../store/queue-store.js";
import { SqliteQueueStore } from "../store/sqlite/sqlite-queue-store.js";
import { tempDatabase } from "../store/sqlite/temp-db.js";
import type { LoadedThread } from "../threads/loaded-thread.js";
import { KeyedSerialExecutor } from "../threads/serial-executor.js";
import { ThreadRegistry } from "../threads/thread-registry.js";
import { QueueDispatcher } from "./queue-dispatcher.js";

const THREAD = "0190a5d2-0000-7000-8000-000000000001";
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("a resync whose re-read failed is done again on the next lease tick, and the missed change reaches subscribers", async () => {
  const db = tempDatabase();
  cleanups.push(() => db.remove());
  const store = await SqliteQueueStore.open({ path: db.path, changePollIntervalMs: 0 });
  const peer = await SqliteQueueStore.open({ path: db.path, changePollIntervalMs: 0 });
  cleanups.push(() => store.close(), () => peer.close());
  let versionReadsToFail = 0;
  // The store as the dispatcher sees it: no change feed (the peer's commit goes unreported), and a
  // version read that fails on demand, as during a database outage.
  const flaky: QueueStore = Object.create(store, {
    readQueueVersions: {
      value: (threadIds: readonly string[]) =>
        versionReadsToFail-- > 0
          ? Promise.reject(new QueueStoreError("unavailable", "the database is down"))
          : store.readQueueVersions(threadIds),
    },
  });
  const logged: string[] = [];
  const registry = new ThreadRegistry();
  const dispatcher = new QueueDispatcher(flaky, registry, new KeyedSerialExecutor(), createStderrLogger("warn", (line) => logged.push(line)), {
    ownerId: "here",
    ttlMs: 60_000,
  });
  cleanups.push(() => dispatcher.stop());

  await store.createThread({ id: THREAD });
  const sent: Array<ServerNotifications["thread/queue/changed"]["params"]> = [];
  const thread: LoadedThread = {
    id: THREAD,
    ephemeral: false,
    createdAtMs: 0,
    cwd: "/",
    model: "m",
    modelProvider: "p",
    activeTurnIds: new Set(),
    pendingTurnStarts: new Set(),
    lastTerminalTurnId: null,
    subscribers: new Set([
      {
        notify: (method, params) => {
          if (method === "thread/queue/changed") sent.push(params as ServerNotifications["thread/queue/changed"]["params"]);
        },
      },
    ]),
  };
  registry.add(thread);
  // Held here: the lease tick only renews it (it does not re-read the queue on its own account).
  expect(await dispatcher.ensureLease(thread)).toBe(true);
  await dispatcher.emitChanged(THREAD, true);
  expect(sent.map((params) => params.queuedTurns.length)).toEqual([0]);

  // Another instance adds a row; the notification is lost, the feed says so, the re-read fails.
  const row = await peer.appendQueuedTurn(THREAD, JSON.stringify({ threadId: THREAD, input: [] }));
  versionReadsToFail = 1;
  dispatcher.onQueueChange({ type: "resync", reason: "reconnected" });
  await expect.poll(() => logged.join("")).toContain("re-reading loaded queues failed");
  expect(sent).toHaveLength(1);

  await dispatcher.maintainLeases();
  await expect.poll(() => sent.length, { timeout: 5_000 }).toBe(2);
  expect(sent[1]?.queuedTurns.map((queued) => queued.id)).toEqual([row.queuedTurnId]);
});
