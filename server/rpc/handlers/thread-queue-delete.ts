import type { ThreadQueueDeleteParams, ThreadQueueDeleteResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import type { RequestContext } from "../request-context.js";

export function threadQueueDeleteHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueDeleteParams, ctx: RequestContext): Promise<ThreadQueueDeleteResponse> => ({
    deleted: await runtime.queues.delete(parseThreadId(params.threadId), params.queuedTurnId, ctx),
  });
}
