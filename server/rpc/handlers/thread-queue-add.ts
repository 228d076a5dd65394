import type { ThreadQueueAddParams, ThreadQueueAddResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { parseThreadId } from "../../threads/thread-ids.js";
import type { RequestContext } from "../request-context.js";

export function threadQueueAddHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueAddParams, ctx: RequestContext): Promise<ThreadQueueAddResponse> => ({
    queuedTurn: await runtime.queues.add(parseThreadId(params.threadId), params.turnStartParams, ctx, params.clientUserMessageId),
  });
}
