import type { ThreadQueueDeleteParams, ThreadQueueDeleteResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import type { RequestContext } from "../request-context.js";

export function threadQueueDeleteHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueDeleteParams, ctx: RequestContext): Promise<ThreadQueueDeleteResponse> => {
    const threadId = parseThreadId(params.threadId);
    const deleted = await runtime.store.deleteQueuedTurn(threadId, params.queuedTurnId);
    if (deleted) {
      ctx.afterResponse(() => runtime.queue.emitChanged(threadId));
      ctx.afterResponse(() => runtime.queue.drain(threadId));
    }
    return { deleted };
  };
}
