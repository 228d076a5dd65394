import { internalError, invalidRequest } from "../../../generated/runtime/errors.js";
import type { ThreadQueueAddParams, ThreadQueueAddResponse } from "../../../generated/types/v2/index.js";
import { toQueuedTurn } from "../../queue/queued-turn-view.js";
import type { ServerRuntime } from "../../runtime.js";
import { isQueueStoreError, QueueTooLargeError } from "../../store/queue-store.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import { assertInputWithinLimit, assertParamsWithinLimit, inputWithinLimit } from "../../turns/input-limit.js";
import type { RequestContext } from "../request-context.js";

/** Checks in the seed's order, appends durably, answers, then `changed`, then a drain. */
export function threadQueueAddHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueAddParams, ctx: RequestContext): Promise<ThreadQueueAddResponse> => {
    const threadId = parseThreadId(params.threadId);
    if (params.threadId !== params.turnStartParams.threadId) {
      throw invalidRequest("`threadId` must match `turnStartParams.threadId`");
    }
    // The seed's order: thread checks, then the input limit. For a thread not loaded here the
    // existence check is the append's own (thread_not_found), which saves a read per add —
    // unless the input is over the limit, whose error must not hide a missing thread.
    const withinLimit = inputWithinLimit(params.turnStartParams.input, runtime.options.maxInputChars);
    if (runtime.registry.get(threadId) !== undefined || !withinLimit) await runtime.threads.requireQueueableThread(threadId);
    assertInputWithinLimit(params.turnStartParams.input, runtime.options.maxInputChars);
    const json = JSON.stringify(params.turnStartParams);
    assertParamsWithinLimit(json, runtime.options.maxTurnParamsBytes);
    const { maxQueueLength, maxQueueBytes } = runtime.options;
    let row;
    const appending = runtime.store.appendQueuedTurn(threadId, json, { maxQueueLength, maxQueueBytes });
    // Asked for in the same tick, so it runs right after the append (same group commit batch).
    const snapshot = runtime.queue.reserveSnapshot(threadId);
    try {
      row = await appending;
    } catch (error) {
      snapshot.cancel();
      if (isQueueStoreError(error, "queue_full")) {
        throw invalidRequest(`queue is full: thread ${threadId} already holds ${maxQueueLength} queued turns`);
      }
      if (error instanceof QueueTooLargeError) {
        throw invalidRequest(
          `queue is full: thread ${threadId} already holds ${error.heldBytes} bytes of queued turns; this one needs ${error.rowBytes} more, the limit is ${maxQueueBytes}`,
        );
      }
      if (isQueueStoreError(error, "thread_not_found")) throw invalidRequest(`thread not found: ${threadId}`);
      if (isQueueStoreError(error, "unavailable")) throw error; // answered as retryable (store-outage.ts)
      runtime.logger.error(`adding a queued turn to thread ${threadId} failed`, error);
      throw internalError(`failed to add queued turn: ${error instanceof Error ? error.message : String(error)}`);
    }
    ctx.afterResponse(() => snapshot.send());
    ctx.afterResponse(() => runtime.queue.drain(threadId));
    return { queuedTurn: toQueuedTurn(row) };
  };
}
