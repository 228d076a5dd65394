import { invalidRequest } from "../../../generated/runtime/errors.js";
import type { TurnStartParams, TurnStartResponse } from "../../../generated/types/v2/index.js";
import type { ServerRuntime } from "../../runtime.js";
import { assertInputWithinLimit, assertParamsWithinLimit } from "../../turns/input-limit.js";
import { TurnStartError } from "../../turns/turn-runner.js";

export function turnStartHandler(runtime: ServerRuntime) {
  return async (params: TurnStartParams): Promise<TurnStartResponse> => {
    const thread = runtime.threads.requireLoaded(params.threadId);
    assertInputWithinLimit(params.input, runtime.options.maxInputChars);
    assertParamsWithinLimit(JSON.stringify(params), runtime.options.maxTurnParamsBytes);
    await runtime.queues.allowDirectTurn(thread);
    try {
      return { turn: await runtime.turns.startTurn(thread, params) };
    } catch (error) {
      if (error instanceof TurnStartError) throw invalidRequest(`turn could not start: ${error.message}`);
      throw error;
    }
  };
}
