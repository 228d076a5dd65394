/**
 * The turn-event relay between two instances on one (in-memory) database: the events of a turn
 * run on one reach the other's subscribers — `error` before `turn/completed`, each once, as the
 * same JSON text — and never come back to the instance that ran it; an ephemeral thread's stay
 * home, and so does everything with the fan-out off. Where the store announces followers
 * (PostgreSQL), a thread's events are published only while another instance follows it.
 */
import { describe, expect, it } from "vitest";
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import { MemoryDatabase, MemoryQueueStore } from "../store/memory/memory-queue-store.js";
import type { QueueStore, TurnEvent } from "../store/queue-store.js";
import type { LoadedThread, NotificationSubscriber } from "../threads/loaded-thread.js";
import type { PreparedNotification } from "../threads/prepared-notification.js";
import { ThreadRegistry } from "../threads/thread-registry.js";
import { TurnCoordinator } from "./turn-coordinator.js";
import { TurnEventRelay } from "./turn-event-relay.js";
import type { TurnEvents, TurnRunner, TurnStartRequest } from "./turn-runner.js";

const T = "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b";
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Fails every turn right away, so that a turn has all three events. */
class FailingRunner implements TurnRunner {
  async start(_request: TurnStartRequest, events: TurnEvents): Promise<void> {
    queueMicrotask(() => {
      events.started();
      events.completed({ status: "failed", items: [], error: { message: "model unavailable", codexErrorInfo: null, additionalDetails: null } });
    });
  }
  interrupt(): boolean {
    return false;
  }
  async close(): Promise<void> {}
}

class Recorder implements NotificationSubscriber {
  readonly lines: string[] = [];
  notify<M extends keyof ServerNotifications & string>(method: M, params: ServerNotifications[M]["params"]): void {
    this.lines.push(JSON.stringify({ method, params }));
  }
  notifyPrepared(notification: PreparedNotification): void {
    this.lines.push(Buffer.from(notification.bytes(false)).toString("utf8"));
  }
}

function thread(id: string, ephemeral = false): LoadedThread {
  return { id, ephemeral, createdAtMs: 0, cwd: "/", model: "m", modelProvider: "p", activeTurnIds: new Set(), pendingTurnStarts: new Set(), lastTerminalTurnId: null, subscribers: new Set() };
}

function instance(database: MemoryDatabase, fanOut = true) {
  const store: QueueStore = new MemoryQueueStore({ database });
  const registry = new ThreadRegistry();
  const relay = new TurnEventRelay(store, registry, silentLogger, fanOut);
  store.subscribeQueueChanges((change) => relay.onChange(change));
  const turns = new TurnCoordinator(registry, new FailingRunner(), Date.now, relay);
  const subscriber = new Recorder();
  const load = (loaded: LoadedThread) => {
    registry.add(loaded);
    registry.subscribe(loaded.id, subscriber);
    return loaded;
  };
  return { store, turns, subscriber, load };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const methods = (lines: readonly string[]) => lines.map((line) => (JSON.parse(line) as { method: string }).method);

describe("TurnEventRelay", () => {
  it("delivers turn/started, error and turn/completed of a turn run elsewhere, once each, in order, byte for byte", async () => {
    const database = new MemoryDatabase();
    const [runs, follows] = [instance(database), instance(database)];
    const here = runs.load(thread(T));
    follows.load(thread(T));
    await runs.turns.startTurn(here, { threadId: T, input: [] });
    await settle();
    expect(methods(runs.subscriber.lines)).toEqual(["turn/started", "error", "turn/completed"]);
    expect(follows.subscriber.lines).toEqual(runs.subscriber.lines);
  });

  it("keeps an ephemeral thread's events, and every event with the fan-out off, on the instance that runs the turn", async () => {
    const database = new MemoryDatabase();
    const [runs, follows] = [instance(database), instance(database)];
    const ephemeral = runs.load(thread(T, true));
    follows.load(thread(T, true));
    await runs.turns.startTurn(ephemeral, { threadId: T, input: [] });
    await settle();
    expect(methods(runs.subscriber.lines)).toEqual(["turn/started", "error", "turn/completed"]);
    expect(follows.subscriber.lines).toEqual([]);

    const quiet = new MemoryDatabase();
    const [off, other] = [instance(quiet, false), instance(quiet, false)];
    const persisted = off.load(thread(T));
    other.load(thread(T));
    await off.turns.startTurn(persisted, { threadId: T, input: [] });
    await settle();
    expect(off.subscriber.lines).toHaveLength(3);
    expect(other.subscriber.lines).toEqual([]);
  });

  it("where the store announces followers, publishes a thread's events only while another instance follows it", async () => {
    let clock = 1_000;
    const published: TurnEvent[] = [];
    const store = {
      followers: { announceFollowing: async () => undefined, askFollowers: async () => undefined },
      publishTurnEvent: async (event: TurnEvent) => {
        published.push(event);
      },
    } as unknown as QueueStore;
    const relay = new TurnEventRelay(store, new ThreadRegistry(), silentLogger, true, () => clock);
    const event: TurnEvent = { threadId: T, method: "turn/started", paramsJson: "{}" };
    relay.published(event);
    expect(published).toEqual([]);
    relay.onChange({ type: "following", threadId: T, validForMs: 500 });
    relay.published(event);
    relay.published({ ...event, threadId: "another thread" });
    expect(published).toEqual([event]);
    clock += 500;
    relay.published(event);
    expect(published).toEqual([event]);
  });
});
