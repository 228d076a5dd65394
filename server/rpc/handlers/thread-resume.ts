import type { ThreadResumeParams, ThreadResumeResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";

/** Loads and subscribes; a thread loaded from the store first goes through restart recovery. */
export function threadResumeHandler(runtime: ServerRuntime) {
  return async (params: ThreadResumeParams, ctx: RequestContext): Promise<ThreadResumeResponse> => {
    const { thread, loadedFromStore } = await runtime.threads.resume(params, ctx.session);
    if (loadedFromStore) await runtime.queue.recoverAfterRestart(thread.id);
    ctx.afterResponse(() => runtime.queue.emitChanged(thread.id));
    ctx.afterResponse(() => runtime.queue.drain(thread.id));
    return runtime.threads.settingsResponse(thread);
  };
}
