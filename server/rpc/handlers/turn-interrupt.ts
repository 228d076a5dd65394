import { invalidRequest } from "../../../generated/runtime/errors.js";
import type { TurnInterruptParams, TurnInterruptResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";

export function turnInterruptHandler(runtime: ServerRuntime) {
  return async (params: TurnInterruptParams): Promise<TurnInterruptResponse> => {
    const thread = runtime.threads.requireLoaded(params.threadId);
    if (!runtime.turns.interrupt(thread, params.turnId)) {
      throw invalidRequest(`no running turn ${params.turnId} on thread ${params.threadId}`);
    }
    return {};
  };
}
