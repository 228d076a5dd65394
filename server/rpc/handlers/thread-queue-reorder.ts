import type { ThreadQueueReorderParams, ThreadQueueReorderResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import type { RequestContext } from "../request-context.js";

export function threadQueueReorderHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueReorderParams, ctx: RequestContext): Promise<ThreadQueueReorderResponse> => ({
    queuedTurns: await runtime.queues.reorder(parseThreadId(params.threadId), params.queuedTurnIds, ctx),
  });
}
