import type { ThreadStartParams, ThreadStartResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { assertParamsWithinLimit } from "../../turns/input-limit.js";
import type { RequestContext } from "../request-context.js";

export function threadStartHandler(runtime: ServerRuntime) {
  return async (params: ThreadStartParams, ctx: RequestContext): Promise<ThreadStartResponse> => {
    // cwd, model and modelProvider are stored and sent with every view of the thread.
    assertParamsWithinLimit(JSON.stringify(params), runtime.options.maxTurnParamsBytes, "thread/start params");
    const thread = await runtime.threads.start(params, ctx.session);
    await runtime.queues.started(thread);
    ctx.afterResponse(() => runtime.registry.notify(thread.id, "thread/started", { thread: runtime.threads.view(thread) }));
    return runtime.threads.settingsResponse(thread);
  };
}
