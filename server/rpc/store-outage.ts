/**
 * A database outage is not the request's fault and not a server bug: the client should retry.
 * Every handler's `unavailable` store error is answered with -32001 (the retryable code, as for
 * an overloaded server), its reason in `data`, instead of -32603.
 */
import { ErrorCodes, RpcError } from "../../generated/runtime/errors.js";
import { isQueueStoreError } from "../store/queue-store.js";

export const STORE_UNAVAILABLE_MESSAGE = "Storage unavailable; retry later.";

type Handler = (params: never, ctx: never) => Promise<unknown>;

/** The same handlers (the generated `ClientRequestHandlers`), each answering outages as retryable. */
export function answerStoreOutages<H extends { [method: string]: Handler }>(handlers: H): H {
  const wrapped: { [method: string]: Handler } = {};
  for (const [method, handler] of Object.entries(handlers)) {
    wrapped[method] = async (params, ctx) => {
      try {
        return await handler(params, ctx);
      } catch (error) {
        if (isQueueStoreError(error, "unavailable")) {
          throw new RpcError(ErrorCodes.ServerOverloaded, STORE_UNAVAILABLE_MESSAGE, { reason: error.message });
        }
        throw error;
      }
    };
  }
  return wrapped as H;
}
