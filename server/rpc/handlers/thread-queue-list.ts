import type { ThreadQueueListParams, ThreadQueueListResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { parseThreadId } from "../../threads/thread-ids.js";

export function threadQueueListHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueListParams): Promise<ThreadQueueListResponse> =>
    runtime.queues.list(parseThreadId(params.threadId), { cursor: params.cursor, limit: params.limit });
}
