import type { ThreadStartParams, ThreadStartResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";

export function threadStartHandler(runtime: ServerRuntime) {
  return async (params: ThreadStartParams, ctx: RequestContext): Promise<ThreadStartResponse> => {
    const thread = await runtime.threads.start(params, ctx.session);
    await runtime.queues.started(thread);
    ctx.afterResponse(() => runtime.registry.notify(thread.id, "thread/started", { thread: runtime.threads.view(thread) }));
    return runtime.threads.settingsResponse(thread);
  };
}
