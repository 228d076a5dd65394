import type { ThreadResumeParams, ThreadResumeResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";

/**
 * Loads and subscribes. This instance then tries to become the thread's dispatcher: taking the
 * lease from an owner that is gone runs restart recovery (SPEC §3) before the answer; when a
 * live instance holds it, this one follows (queue snapshots, not turns) and retries later.
 * The snapshot is sent even if unchanged: the new subscriber needs it.
 */
export function threadResumeHandler(runtime: ServerRuntime) {
  return async (params: ThreadResumeParams, ctx: RequestContext): Promise<ThreadResumeResponse> => {
    const { thread } = await runtime.threads.resume(params, ctx.session);
    await runtime.queue.ensureLease(thread);
    ctx.afterResponse(() => runtime.queue.emitChanged(thread.id, true));
    ctx.afterResponse(() => runtime.queue.drain(thread.id));
    return runtime.threads.settingsResponse(thread);
  };
}
