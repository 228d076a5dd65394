import type { TurnStartParams, TurnStartResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { assertInputWithinLimit, assertParamsWithinLimit } from "../../turns/input-limit.js";

export function turnStartHandler(runtime: ServerRuntime) {
  return async (params: TurnStartParams): Promise<TurnStartResponse> => {
    const thread = runtime.threads.requireLoaded(params.threadId);
    assertInputWithinLimit(params.input, runtime.options.maxInputChars);
    assertParamsWithinLimit(JSON.stringify(params), runtime.options.maxTurnParamsBytes);
    return { turn: await runtime.directTurns.start(thread, params) };
  };
}
