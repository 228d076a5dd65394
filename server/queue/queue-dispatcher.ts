/**
 * The dispatcher: turns queued rows into turns, one at a time per thread (SPEC §3).
 *
 *   pending ──claim (thread idle, head pending, nothing dispatching)──▶ dispatching
 *   dispatching ──turn/started seen for its turn id──▶ removed
 *   dispatching ──turn cannot start / stored params unreadable──▶ failed (visible, keeps its
 *                 place, blocks the queue until deleted or reordered away)
 *   dispatching ──process died, thread resumed later──▶ failed ("…interrupted while
 *                 app-server restarted")
 *
 * Every drain and every snapshot of a thread runs on that thread's serial lane, so two drains
 * never interleave and `thread/queue/changed` snapshots leave in the order their reads saw
 * the commits. The store's single-statement claim makes the claim atomic across processes.
 */
import type { TurnError, TurnStartParams } from "../../generated/types/v2/index.js";
import { validatorsById } from "../../generated/validators/index.js";
import type { QueueStore } from "../store/queue-store.js";
import { isThreadIdle } from "../threads/loaded-thread.js";
import type { ThreadRegistry } from "../threads/thread-registry.js";
import type { KeyedSerialExecutor } from "../threads/serial-executor.js";
import type { TurnCoordinator } from "../turns/turn-coordinator.js";
import { toQueuedTurn } from "./queued-turn-view.js";
import type { Logger } from "../logger.js";

export const RESTART_INTERRUPTED_MESSAGE = "queued turn dispatch was interrupted while app-server restarted";

export class QueueDispatcher {
  /** Turn id → the pending write that records it on its row; the started hook waits for it. */
  private readonly recordingTurnIds = new Map<string, Promise<boolean>>();
  /** Set at shutdown: rows stay pending rather than start turns that would be cut off. */
  private stopped = false;

  constructor(
    private readonly store: QueueStore,
    private readonly registry: ThreadRegistry,
    private readonly lanes: KeyedSerialExecutor,
    private readonly logger: Logger,
    private turns?: TurnCoordinator,
  ) {}

  /** Breaks the construction cycle: the coordinator's hooks call back into this dispatcher. */
  attachTurns(turns: TurnCoordinator): void {
    this.turns = turns;
  }

  /** No new claims from now on (shutdown); claims already made finish normally. */
  stop(): void {
    this.stopped = true;
  }

  /** Sends the thread's visible queue to its subscribers, after everything queued before. */
  emitChanged(threadId: string): Promise<void> {
    return this.lanes.run(threadId, () => this.sendSnapshot(threadId));
  }

  /** Starts the head of the queue if the thread is loaded and idle. */
  drain(threadId: string): Promise<void> {
    return this.lanes.run(threadId, () => this.drainNow(threadId)).catch((error: unknown) => {
      this.logger.error(`drain of thread ${threadId} failed`, error);
    });
  }

  /** Restart recovery on resume: abandoned claims fail (and block), then snapshot and drain. */
  async recoverAfterRestart(threadId: string): Promise<void> {
    await this.lanes.run(threadId, async () => {
      const recovered = await this.store.recoverDispatchingQueuedTurns(threadId, failureJson(RESTART_INTERRUPTED_MESSAGE));
      if (recovered > 0) this.logger.info(`thread ${threadId}: ${recovered} interrupted queued turn(s) marked failed`);
    });
  }

  /** The `turn/started` hook: a dispatched row is done once its own turn has started. */
  turnStarted(threadId: string, turnId: string): void {
    const recording = this.recordingTurnIds.get(turnId);
    if (recording === undefined) return;
    void recording
      .then((recorded) => (recorded ? this.store.removeDispatchingQueuedTurn(threadId, turnId) : false))
      .catch((error: unknown) => this.logger.error(`clearing the dispatch claim of turn ${turnId} failed`, error))
      .finally(() => this.recordingTurnIds.delete(turnId));
  }

  private async sendSnapshot(threadId: string): Promise<void> {
    const thread = this.registry.get(threadId);
    if (thread === undefined || thread.subscribers.size === 0) return;
    const rows = await this.store.listVisibleQueuedTurns(threadId);
    this.registry.notify(threadId, "thread/queue/changed", { threadId, queuedTurns: rows.map(toQueuedTurn) });
  }

  private async drainNow(threadId: string): Promise<void> {
    const thread = this.registry.get(threadId);
    const turns = this.turns;
    if (this.stopped || thread === undefined || thread.ephemeral || turns === undefined || !isThreadIdle(thread)) return;
    const row = await this.store.claimHeadQueuedTurn(threadId);
    if (row === null) return;
    await this.sendSnapshot(threadId);

    const params = readStoredParams(row.turnStartParamsJson);
    if (!params.ok) {
      await this.fail(threadId, row.queuedTurnId, `queued turn payload could not be read: ${params.reason}`);
      return;
    }
    let turnId: string;
    try {
      turnId = (await turns.startTurn(thread, params.value)).id;
    } catch (error) {
      await this.fail(threadId, row.queuedTurnId, `queued turn could not start: ${errorMessage(error)}`);
      return;
    }
    const recording = this.store.setDispatchTurnId(row.queuedTurnId, turnId);
    this.recordingTurnIds.set(turnId, recording);
    if (!(await recording)) {
      this.logger.warn(`queued turn ${row.queuedTurnId} lost its dispatch claim before turn ${turnId} was recorded`);
    }
  }

  private async fail(threadId: string, queuedTurnId: string, message: string): Promise<void> {
    const marked = await this.store.markQueuedTurnFailed(queuedTurnId, failureJson(message));
    if (marked) await this.sendSnapshot(threadId);
    else this.logger.warn(`queued turn ${queuedTurnId} could not be marked failed: its claim disappeared`);
  }
}

function failureJson(message: string): string {
  const error: TurnError = { message, codexErrorInfo: null, additionalDetails: null };
  return JSON.stringify(error);
}

type StoredParams = { ok: true; value: TurnStartParams } | { ok: false; reason: string };

function readStoredParams(json: string): StoredParams {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  const validate = validatorsById["v2/TurnStartParams"];
  const result = validate === undefined ? { ok: false as const, errors: [] } : validate(value);
  if (!result.ok) {
    const first = result.errors[0];
    return { ok: false, reason: first === undefined ? "not TurnStartParams" : `${first.instancePath || "/"} ${first.message}` };
  }
  return { ok: true, value: value as TurnStartParams };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
