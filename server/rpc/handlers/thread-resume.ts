import type { ThreadResumeParams, ThreadResumeResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";

/** Loads and subscribes; the queue then reads the thread's queue and takes its lease if it can. */
export function threadResumeHandler(runtime: ServerRuntime) {
  return async (params: ThreadResumeParams, ctx: RequestContext): Promise<ThreadResumeResponse> => {
    const { thread } = await runtime.threads.resume(params, ctx.session);
    await runtime.queues.resume(thread, ctx);
    return runtime.threads.settingsResponse(thread);
  };
}
