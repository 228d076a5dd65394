/**
 * `thread/start` and `thread/resume`: which threads exist, which are loaded here, and who is
 * subscribed. Persisted threads live in the store; ephemeral ones only in this process.
 */
import { v7 as uuidv7 } from "uuid";
import { invalidRequest } from "../../generated/runtime/errors.js";
import type { ThreadStartParams, ThreadResumeParams, ThreadStartResponse, Thread } from "../../generated/types/v2/index.js";
import type { QueueStore, ThreadRecord } from "../store/queue-store.js";
import type { ServerOptions } from "../server-options.js";
import type { LoadedThread, NotificationSubscriber } from "./loaded-thread.js";
import type { ThreadRegistry } from "./thread-registry.js";
import { parseThreadId } from "./thread-ids.js";
import { toThreadView } from "./thread-view.js";

const DEFAULT_MODEL = "echo";
const DEFAULT_MODEL_PROVIDER = "reference";

export type ThreadSettingsResponse = ThreadStartResponse;

export interface ResumedThread {
  readonly thread: LoadedThread;
  /** True when this process loaded it just now from the store (restart recovery applies). */
  readonly loadedFromStore: boolean;
}

export class ThreadService {
  constructor(
    private readonly store: QueueStore,
    private readonly registry: ThreadRegistry,
    private readonly options: ServerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async start(params: ThreadStartParams, subscriber: NotificationSubscriber): Promise<LoadedThread> {
    const ephemeral = params.ephemeral === true;
    const thread = newLoadedThread({
      id: uuidv7(),
      ephemeral,
      createdAtMs: this.now(),
      cwd: params.cwd ?? this.options.defaultCwd,
      model: params.model ?? DEFAULT_MODEL,
      modelProvider: params.modelProvider ?? DEFAULT_MODEL_PROVIDER,
    });
    if (!ephemeral) {
      await this.store.createThread({
        id: thread.id,
        cwd: thread.cwd,
        model: thread.model,
        modelProvider: thread.modelProvider,
        cliVersion: this.options.version,
        createdAtMs: thread.createdAtMs,
      });
    }
    this.registry.add(thread);
    this.registry.subscribe(thread.id, subscriber);
    return thread;
  }

  async resume(params: ThreadResumeParams, subscriber: NotificationSubscriber): Promise<ResumedThread> {
    const threadId = parseThreadId(params.threadId);
    const loaded = this.registry.get(threadId);
    if (loaded !== undefined) {
      this.registry.subscribe(threadId, subscriber);
      return { thread: loaded, loadedFromStore: false };
    }
    const record = await this.store.getThread(threadId);
    if (record === null) throw invalidRequest(`thread not found: ${threadId}`);
    // Another request may have loaded it while the store was read.
    const thread = this.registry.get(threadId) ?? fromRecord(record, this.options);
    const loadedFromStore = this.registry.get(threadId) === undefined;
    this.registry.add(thread);
    this.registry.subscribe(threadId, subscriber);
    return { thread, loadedFromStore };
  }

  /** A thread loaded in this process, for turn/start and turn/interrupt. */
  requireLoaded(threadId: string): LoadedThread {
    const thread = this.registry.get(parseThreadId(threadId));
    if (thread === undefined) throw invalidRequest(`thread not found: ${threadId}`);
    return thread;
  }

  view(thread: LoadedThread): Thread {
    return toThreadView(thread, this.options.version);
  }

  settingsResponse(thread: LoadedThread): ThreadSettingsResponse {
    return {
      thread: this.view(thread),
      cwd: thread.cwd,
      model: thread.model,
      modelProvider: thread.modelProvider,
      approvalPolicy: "never",
      approvalsReviewer: "user",
      sandbox: { type: "dangerFullAccess" },
    };
  }
}

function newLoadedThread(init: {
  id: string;
  ephemeral: boolean;
  createdAtMs: number;
  cwd: string;
  model: string;
  modelProvider: string;
}): LoadedThread {
  return {
    ...init,
    activeTurnIds: new Set(),
    pendingTurnStarts: new Set(),
    lastTerminalTurnId: null,
    subscribers: new Set(),
  };
}

function fromRecord(record: ThreadRecord, options: ServerOptions): LoadedThread {
  return newLoadedThread({
    id: record.id,
    ephemeral: false,
    createdAtMs: record.createdAtMs,
    cwd: record.cwd ?? options.defaultCwd,
    model: record.model ?? DEFAULT_MODEL,
    modelProvider: record.modelProvider ?? DEFAULT_MODEL_PROVIDER,
  });
}
