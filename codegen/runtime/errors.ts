/**
 * The one error-code table, the one error class, and one helper per standard error.
 *
 * Server code throws `RpcError`s (or returns `toJson()`), and the client rejects with them,
 * so that a caller can branch on `code` no matter which side produced the error.
 */
import type { JsonRpcErrorObject } from "./jsonrpc.js";

/** Codes that go on the wire (docs/protocol.md, "Messages"). */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Retryable: the server shed load. */
  ServerOverloaded: -32001,
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Codes a peer raises locally and never sends: they describe the local connection, not the
 * remote peer's answer. Chosen outside the range JSON-RPC reserves (-32768..-32000) so they
 * cannot be mistaken for a server's reply.
 */
export const LocalErrorCodes = {
  RequestTimeout: -31001,
  ConnectionClosed: -31002,
} as const;

/**
 * `instanceof` fails when the runtime exists twice (codegen/runtime and its generated copy),
 * so recognition goes through a registered symbol instead.
 */
const RPC_ERROR_BRAND = Symbol.for("thread-queue-toolkit.RpcError");

export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    // An RpcError is a value exchanged with a peer, not a bug to trace: no stack is captured.
    // Capturing one cost microseconds per error — seconds for a burst of queued answers.
    // (`stackTraceLimit` is V8's; typed here so that the runtime needs no Node typings.)
    const engine = Error as ErrorConstructor & { stackTraceLimit?: number };
    const stackTraceLimit = engine.stackTraceLimit;
    engine.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      engine.stackTraceLimit = stackTraceLimit;
    }
    this.name = "RpcError";
    this.code = code;
    this.data = data;
    Object.defineProperty(this, RPC_ERROR_BRAND, { value: true });
  }

  /** The wire form; `data` only when there is some. */
  toJson(): JsonRpcErrorObject {
    const json: JsonRpcErrorObject = { code: this.code, message: this.message };
    if (this.data !== undefined) json.data = this.data;
    return json;
  }

  static fromJson(error: JsonRpcErrorObject): RpcError {
    return new RpcError(error.code, error.message, error.data);
  }
}

export function isRpcError(value: unknown): value is RpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[RPC_ERROR_BRAND] === true
  );
}

export function parseError(reason: string): RpcError {
  return new RpcError(ErrorCodes.ParseError, `Parse error: ${reason}`);
}

export function invalidRequest(message: string): RpcError {
  return new RpcError(ErrorCodes.InvalidRequest, message);
}

export function methodNotFound(method: string): RpcError {
  return new RpcError(ErrorCodes.MethodNotFound, `Method not found: ${method}`);
}

export function invalidParams(message: string, data?: unknown): RpcError {
  return new RpcError(ErrorCodes.InvalidParams, message, data);
}

export function internalError(message: string = "Internal error"): RpcError {
  return new RpcError(ErrorCodes.InternalError, message);
}

export function serverOverloaded(): RpcError {
  return new RpcError(ErrorCodes.ServerOverloaded, "Server overloaded; retry later.");
}

export function requestTimeout(method: string, timeoutMs: number): RpcError {
  return new RpcError(
    LocalErrorCodes.RequestTimeout,
    `Request timed out after ${timeoutMs} ms: ${method}`,
    { method, timeoutMs },
  );
}

export function connectionClosed(detail: string = "Connection closed"): RpcError {
  return new RpcError(LocalErrorCodes.ConnectionClosed, detail);
}
