/**
 * The one mapping from what the server refuses to JSON-RPC errors, applied to every handler:
 * - a `QueueError` (server/queue/queue-errors.ts) is the request's problem: -32600 with its
 *   message (the seed's wording), or -32603 for `add_failed` (the store failed, not the request);
 * - a store outage (`QueueStoreError` "unavailable") is nobody's fault: -32001, the retryable
 *   code (as for an overloaded server), its reason in `data`;
 * - an `RpcError` thrown on purpose (`invalid thread id`, the input limit) passes as it is, and
 *   anything else is left to the generated dispatcher (-32603, logged).
 */
import { ErrorCodes, internalError, invalidRequest, RpcError } from "../../../generated/runtime/errors.js";
import { isQueueError, type QueueErrorCode } from "../../queue/queue-errors.js";
import { isQueueStoreError } from "../../store/queue-store.js";

export const STORE_UNAVAILABLE_MESSAGE = "Storage unavailable; retry later.";

const SERVER_SIDE: ReadonlySet<QueueErrorCode> = new Set(["add_failed", "forward_unanswered"]);

export function toRpcError(error: unknown): unknown {
  if (isQueueError(error)) return SERVER_SIDE.has(error.code) ? internalError(error.message) : invalidRequest(error.message);
  if (isQueueStoreError(error, "unavailable")) {
    return new RpcError(ErrorCodes.ServerOverloaded, STORE_UNAVAILABLE_MESSAGE, { reason: error.message });
  }
  return error;
}

type Handler = (params: never, ctx: never) => Promise<unknown>;

/** The same handlers (the generated `ClientRequestHandlers`), each answering through `toRpcError`. */
export function answerErrors<H extends { [method: string]: Handler }>(handlers: H): H {
  const wrapped: { [method: string]: Handler } = {};
  for (const [method, handler] of Object.entries(handlers)) {
    wrapped[method] = async (params, ctx) => {
      try {
        return await handler(params, ctx);
      } catch (error) {
        throw toRpcError(error);
      }
    };
  }
  return wrapped as H;
}
