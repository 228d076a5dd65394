import { invalidRequest } from "../../../generated/runtime/errors.js";
import type { ThreadQueueReorderParams, ThreadQueueReorderResponse } from "../../../generated/types/v2/index.js";
import { toQueuedTurn } from "../../queue/queued-turn-view.js";
import type { ServerRuntime } from "../../runtime.js";
import { isQueueStoreError } from "../../store/queue-store.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import type { RequestContext } from "../request-context.js";

export function threadQueueReorderHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueReorderParams, ctx: RequestContext): Promise<ThreadQueueReorderResponse> => {
    const threadId = parseThreadId(params.threadId);
    let rows;
    try {
      rows = await runtime.store.reorderQueuedTurns(threadId, params.queuedTurnIds);
    } catch (error) {
      // The seed reports every reorder failure this way, with the store's reason appended.
      if (isQueueStoreError(error) && error.code !== "unavailable") {
        throw invalidRequest(`failed to reorder queued turns: ${error.message}`);
      }
      throw error;
    }
    ctx.afterResponse(() => runtime.queue.emitChanged(threadId));
    ctx.afterResponse(() => runtime.queue.drain(threadId));
    return { queuedTurns: rows.map(toQueuedTurn) };
  };
}
