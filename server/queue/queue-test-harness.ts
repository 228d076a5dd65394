/**
 * For the queue's unit and property tests: `ThreadQueues` wired to an in-memory store, a turn
 * runner the test drives, and a subscriber that records what a client would receive, in order,
 * with each request's response in its place. Not used by the server.
 */
import { DEFAULT_SERVER_OPTIONS } from "../server-options.js";
import type { QueuedTurn, TurnStartParams } from "../../generated/types/v2/index.js";
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import type { Logger } from "../logger.js";
import { MemoryDatabase, MemoryQueueStore, type StoreFault } from "../store/memory/memory-queue-store.js";
import type { QueueStore } from "../store/queue-store.js";
import type { LoadedThread, NotificationSubscriber } from "../threads/loaded-thread.js";
import type { PreparedNotification } from "../threads/prepared-notification.js";
import { ThreadRegistry } from "../threads/thread-registry.js";
import { TurnCoordinator } from "../turns/turn-coordinator.js";
import { TurnStartError, type TurnEvents, type TurnRunner, type TurnStartRequest } from "../turns/turn-runner.js";
import { ThreadQueues, type ReplyOrder } from "./thread-queues.js";

export const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What the recorded client saw, in order. */
export type Seen =
  | { readonly kind: "response"; readonly label: string }
  | { readonly kind: "changed"; readonly threadId: string; readonly ids: readonly string[]; readonly statuses: readonly string[] }
  | { readonly kind: "started"; readonly threadId: string; readonly turnId: string; readonly text: string }
  | { readonly kind: "completed"; readonly threadId: string; readonly turnId: string };

/** A subscriber that records like a client connection (with the experimental API, no opt-outs). */
export class RecordingSubscriber implements NotificationSubscriber {
  readonly seen: Seen[] = [];
  /** Serialised prepared notifications taken, to check that each was serialised once. */
  prepared = 0;

  constructor(private readonly optOut: ReadonlySet<string> = new Set()) {}

  notify<M extends keyof ServerNotifications & string>(method: M, params: ServerNotifications[M]["params"]): void {
    if (this.optOut.has(method)) return;
    this.record(method, params);
  }

  notifyPrepared(notification: PreparedNotification): void {
    if (this.optOut.has(notification.method)) return;
    this.prepared += 1;
    const message = JSON.parse(Buffer.from(notification.bytes(false)).toString("utf8")) as { method: string; params: unknown };
    this.record(message.method, message.params);
  }

  changed(threadId?: string): Array<Extract<Seen, { kind: "changed" }>> {
    return this.seen.flatMap((each) => (each.kind === "changed" && (threadId === undefined || each.threadId === threadId) ? [each] : []));
  }

  startedTexts(threadId?: string): string[] {
    return this.seen.flatMap((each) => (each.kind === "started" && (threadId === undefined || each.threadId === threadId) ? [each.text] : []));
  }

  private record(method: string, params: unknown): void {
    if (method === "thread/queue/changed") {
      const { threadId, queuedTurns } = params as { threadId: string; queuedTurns: QueuedTurn[] };
      this.seen.push({ kind: "changed", threadId, ids: queuedTurns.map((turn) => turn.id), statuses: queuedTurns.map((turn) => turn.status.type) });
    } else if (method === "turn/started") {
      const { threadId, turn } = params as { threadId: string; turn: { id: string } };
      this.seen.push({ kind: "started", threadId, turnId: turn.id, text: this.texts.get(turn.id) ?? "" });
    } else if (method === "turn/completed") {
      const { threadId, turn } = params as { threadId: string; turn: { id: string } };
      this.seen.push({ kind: "completed", threadId, turnId: turn.id });
    }
  }

  /** Turn id → its input text, filled in by the runner (turn/started does not carry the input). */
  readonly texts = new Map<string, string>();
}

/**
 * A runner the test drives: a turn is accepted at once (or refused, see `refuse`), starts on the
 * next tick, and runs until `end` — as a real agent's turn would, however long.
 */
export class ScriptedRunner implements TurnRunner {
  readonly requests: TurnStartRequest[] = [];
  private readonly running = new Map<string, TurnEvents>();
  /** A reason to refuse a turn with (TurnStartError), or undefined to accept it. */
  refuse: (request: TurnStartRequest) => string | undefined = () => undefined;

  constructor(private readonly subscriber?: RecordingSubscriber) {}

  async start(request: TurnStartRequest, events: TurnEvents): Promise<void> {
    const reason = this.refuse(request);
    if (reason !== undefined) throw new TurnStartError(reason);
    this.requests.push(request);
    const text = request.params.input.flatMap((item) => (item.type === "text" ? [item.text] : [])).join("\n");
    this.subscriber?.texts.set(request.turnId, text);
    this.running.set(request.turnId, events);
    setImmediate(() => events.started());
  }

  get runningTurnIds(): string[] {
    return [...this.running.keys()];
  }

  /** Completes a running turn (the oldest one by default). */
  end(turnId: string | undefined = this.runningTurnIds[0]): boolean {
    const events = turnId === undefined ? undefined : this.running.get(turnId);
    if (turnId === undefined || events === undefined) return false;
    this.running.delete(turnId);
    events.completed({ status: "completed", items: [] });
    return true;
  }

  interrupt(turnId: string): boolean {
    return this.end(turnId);
  }

  async close(): Promise<void> {
    for (const turnId of this.runningTurnIds) this.end(turnId);
  }
}

/** A request's after-response work, run when the test says the response has been written. */
export class Reply implements ReplyOrder {
  private readonly tasks: Array<() => Promise<void> | void> = [];
  private done = false;

  constructor(
    private readonly subscriber: RecordingSubscriber,
    readonly label: string,
  ) {}

  afterResponse(task: () => Promise<void> | void): void {
    this.tasks.push(task);
  }

  /** The response is written: recorded, then its after-response work runs (as ConnectionSession does). */
  async respond(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.subscriber.seen.push({ kind: "response", label: this.label });
    for (const task of this.tasks) await task();
  }
}

export interface QueueInstanceOptions {
  readonly database?: MemoryDatabase;
  readonly ownerId?: string;
  readonly fault?: (method: keyof QueueStore) => StoreFault | undefined;
  /** Owners this instance may evict at once (a dead process, as SQLite's pid check finds it). */
  readonly goneOwners?: ReadonlySet<string>;
  readonly maxQueueLength?: number;
  readonly maxInputChars?: number;
}

/** One server instance's queue half, on an in-memory database. */
export class QueueInstance {
  readonly store: MemoryQueueStore;
  readonly registry = new ThreadRegistry();
  readonly subscriber = new RecordingSubscriber();
  readonly runner = new ScriptedRunner(this.subscriber);
  readonly turns: TurnCoordinator;
  readonly queues: ThreadQueues;
  private readonly stopFeed: () => void;
  private turnCount = 0;

  constructor(options: QueueInstanceOptions = {}) {
    this.store = new MemoryQueueStore({ database: options.database, fault: options.fault });
    this.turns = new TurnCoordinator(this.registry, this.runner);
    const goneOwners = options.goneOwners ?? new Set<string>();
    this.queues = new ThreadQueues({
      store: this.store,
      registry: this.registry,
      turns: this.turns,
      logger: SILENT,
      limits: { ...DEFAULT_SERVER_OPTIONS, maxQueueLength: options.maxQueueLength ?? 10_000, maxInputChars: options.maxInputChars ?? 1 << 20 },
      leases: { ownerId: options.ownerId ?? "instance-a", ttlMs: 60_000, isOwnerGone: (owner) => goneOwners.has(owner) },
      newTurnId: () => `queued-turn-${++this.turnCount}`,
    });
    this.stopFeed = this.store.subscribeQueueChanges((change) => this.queues.onQueueChange(change));
  }

  /** thread/start of a persisted thread, subscribed by the recording client. */
  async startThread(id: string): Promise<LoadedThread> {
    await this.store.createThread({ id });
    const thread = this.load(id);
    await this.queues.started(thread);
    return thread;
  }

  /** thread/resume: loads the thread here (it must exist in the store) and resumes its queue. */
  async resume(id: string): Promise<LoadedThread> {
    const thread = this.registry.get(id) ?? this.load(id);
    const reply = this.reply(`resume ${id}`);
    await this.queues.resume(thread, reply);
    await reply.respond();
    return thread;
  }

  reply(label: string): Reply {
    return new Reply(this.subscriber, label);
  }

  /** thread/queue/add, answered at once (response, then its after-response work). */
  async add(threadId: string, text: string): Promise<QueuedTurn> {
    const reply = this.reply(`add ${text}`);
    try {
      return await this.queues.add(threadId, params(threadId, text), reply);
    } finally {
      await reply.respond();
    }
  }

  /** A direct turn/start (the queue's lease check, then the coordinator). */
  async directTurn(threadId: string, text: string): Promise<string> {
    const thread = this.registry.get(threadId);
    if (thread === undefined) throw new Error(`thread ${threadId} is not loaded`);
    await this.queues.allowDirectTurn(thread);
    return (await this.turns.startTurn(thread, params(threadId, text))).id;
  }

  /** Until nothing is in flight: store batches, the queues' background work, turn starts. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3; ) {
      const before = this.subscriber.seen.length;
      await this.queues.idle();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      quiet = this.subscriber.seen.length === before && !this.queues.busy ? quiet + 1 : 0;
    }
  }

  /** A crash: this instance stops hearing the database and never writes again. */
  async crash(): Promise<void> {
    this.stopFeed();
    this.queues.stop();
    await this.store.close();
  }

  private load(id: string): LoadedThread {
    const thread: LoadedThread = {
      id,
      ephemeral: false,
      createdAtMs: 0,
      cwd: "/",
      model: "echo",
      modelProvider: "test",
      activeTurnIds: new Set(),
      pendingTurnStarts: new Set(),
      lastTerminalTurnId: null,
      subscribers: new Set([this.subscriber]),
    };
    this.registry.add(thread);
    return thread;
  }
}

export function params(threadId: string, text: string): TurnStartParams {
  return { threadId, input: [{ type: "text", text, text_elements: [] }] };
}
