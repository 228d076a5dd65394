/**
 * What the queue refuses, as values a client can act on. Every message is the seed's (or, where
 * the seed is silent, the server's documented one); the RPC layer maps each code to its JSON-RPC
 * error in one place (server/rpc/handlers/errors.ts). A store outage stays a
 * `QueueStoreError("unavailable")`: retryable, not the request's fault.
 */
export type QueueErrorCode =
  /** `threadId` differs from `turnStartParams.threadId`. */
  | "thread_mismatch"
  | "thread_not_found"
  | "ephemeral_thread"
  | "queue_full"
  /** The store refused a reorder (not a permutation of the visible rows). */
  | "reorder_failed"
  | "invalid_cursor"
  /** A direct turn on a thread another instance dispatches. */
  | "active_elsewhere"
  /** An add's `clientUserMessageId` names a row (queued or dispatched) with other `turnStartParams`. */
  | "client_id_conflict"
  /** A forwarded turn/start whose holder did not answer in time; it may or may not have started. */
  | "forward_unanswered"
  /** The store failed to append for a reason that is not the request's (a server-side failure). */
  | "add_failed";

export class QueueError extends Error {
  override readonly name = "QueueError";
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isQueueError(value: unknown): value is QueueError {
  return value instanceof QueueError;
}
