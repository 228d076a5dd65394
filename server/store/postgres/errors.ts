import pg from "pg";
import { QueueStoreError } from "../queue-store.js";

/**
 * The database could not be reached, or stopped answering, or the operation timed out.
 * The operation was not acknowledged; retrying later may succeed (the pool reconnects on
 * its own). A `QueueStoreError` with code `unavailable`, so that the RPC layer can answer
 * with a retryable error whatever the backend.
 */
export class StoreUnavailableError extends QueueStoreError {
  override readonly name: string = "StoreUnavailableError";
  constructor(cause: unknown) {
    super("unavailable", `PostgreSQL queue store is unavailable: ${describe(cause)}`, { cause });
  }
}

export function isStoreUnavailableError(value: unknown): value is StoreUnavailableError {
  return value instanceof StoreUnavailableError;
}

/** The SQLSTATE of a server-reported error (`23505`, `40P01`, …). */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/** Thrown by pg itself (not the server) when its socket is gone or a read timed out. */
const CLIENT_CONNECTION_MESSAGES = [
  "Connection terminated",
  "Query read timeout",
  "not queryable",
  "timeout exceeded when trying to connect",
  "Client was closed",
];

/**
 * The connection this error came from can no longer be used: the socket failed, pg gave up
 * waiting, or the server ended the session (FATAL, `57P01` admin shutdown, class 08).
 */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return false;
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? "";
    return error.severity === "FATAL" || error.severity === "PANIC" || code.startsWith("08") || /^57P0[123]$/.test(code);
  }
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE…
  return CLIENT_CONNECTION_MESSAGES.some((text) => error.message.includes(text));
}

/**
 * Worth reporting as "unavailable" rather than as an internal error: the connection was
 * lost, the server is out of connections, or a statement ran into its timeout (usually a
 * lock held by another instance for too long).
 */
export function isUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  return isConnectionLost(error) || code === "53300" || code === "57014" || code === "55P03";
}

/** Deadlock victim or serialization failure: the op had no effect and may simply run again. */
export function isRetryable(error: unknown): boolean {
  const code = sqlState(error);
  return code === "40P01" || code === "40001";
}

/** What a caller sees for a failure of the database rather than of its request. */
export function toStoreFailure(error: unknown): unknown {
  return isUnavailable(error) && !(error instanceof StoreUnavailableError) ? new StoreUnavailableError(error) : error;
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // AggregateError (every address of a host refused) has an empty message.
  if (cause.message === "" && cause instanceof AggregateError) return cause.errors.map(describe).join("; ");
  const code = (cause as NodeJS.ErrnoException).code;
  return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
}
