/**
 * JSON-RPC 2.0 message shapes in the Codex app-server dialect, and the one place that decides
 * what an incoming JSON value is.
 *
 * Codex omits the `"jsonrpc": "2.0"` member, so every shape carries it only optionally: peers
 * may send it or not, and a reply echoes it only when the message it answers carried it
 * (see `replyEnvelope`). Classification is strict about the members that decide routing
 * (`id`, `method`, `params`, `result`, `error`) and ignores unknown members, so that newer
 * peers can add fields without breaking older ones.
 */
export * from "./errors.js";

export type JsonRpcId = string | number;

/** Present only when the peer uses stock JSON-RPC 2.0; Codex leaves it out. */
export interface JsonRpcEnvelope {
  jsonrpc?: "2.0";
}

export interface JsonRpcRequest extends JsonRpcEnvelope {
  id: JsonRpcId;
  method: string;
  params?: unknown;
}

export interface JsonRpcNotification extends JsonRpcEnvelope {
  method: string;
  params?: unknown;
}

export interface JsonRpcSuccess extends JsonRpcEnvelope {
  id: JsonRpcId;
  result: unknown;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcErrorResponse extends JsonRpcEnvelope {
  /** null when the failing message's id could not be read (parse errors, invalid ids). */
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcSuccess | JsonRpcErrorResponse;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export type ClassifiedMessage =
  | { kind: "request"; message: JsonRpcRequest }
  | { kind: "notification"; message: JsonRpcNotification }
  | { kind: "response"; message: JsonRpcSuccess }
  | { kind: "error"; message: JsonRpcErrorResponse }
  | {
      kind: "invalid";
      /** The message's id when it was readable, so the answer can still be correlated. */
      id: JsonRpcId | null;
      reason: string;
      /** Whether the message declared `"jsonrpc": "2.0"`, so the answer can echo it. */
      jsonrpc: boolean;
    };

export type ParsedLine = ClassifiedMessage | { kind: "parse-error"; reason: string };

export function isJsonRpcId(value: unknown): value is JsonRpcId {
  return typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const has = (object: Record<string, unknown>, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * Decides what a JSON value is. `params: null` counts as absent (serde's `Option` reads it so,
 * and Codex clients rely on that); any other non-structured `params` is invalid.
 */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (!isPlainObject(value)) {
    const reason = Array.isArray(value)
      ? "message must be a JSON object (batches are not supported)"
      : "message must be a JSON object";
    return { kind: "invalid", id: null, reason, jsonrpc: false };
  }
  const rawId = value["id"];
  const readableId = isJsonRpcId(rawId) ? rawId : null;
  const jsonrpc = value["jsonrpc"] === "2.0";
  const invalid = (reason: string): ClassifiedMessage => ({
    kind: "invalid",
    id: readableId,
    reason,
    jsonrpc,
  });
  const envelope: JsonRpcEnvelope = jsonrpc ? { jsonrpc: "2.0" } : {};

  if (has(value, "jsonrpc") && !jsonrpc) return invalid('jsonrpc must be "2.0"');
  if (has(value, "id") && readableId === null && !(rawId === null && has(value, "error"))) {
    return invalid("id must be a string or an integer");
  }

  if (has(value, "method")) {
    const method = value["method"];
    if (typeof method !== "string" || method.length === 0) {
      return invalid("method must be a non-empty string");
    }
    const params = value["params"];
    if (params !== undefined && params !== null && typeof params !== "object") {
      return invalid("params must be an object or array");
    }
    const withParams = params === undefined || params === null ? {} : { params };
    if (readableId !== null) {
      return { kind: "request", message: { ...envelope, id: readableId, method, ...withParams } };
    }
    return { kind: "notification", message: { ...envelope, method, ...withParams } };
  }

  const hasResult = has(value, "result");
  const hasError = has(value, "error");
  if (hasResult && hasError) return invalid("a response must not carry both result and error");
  if (hasResult) {
    if (readableId === null) return invalid("a response must carry the id of its request");
    return { kind: "response", message: { ...envelope, id: readableId, result: value["result"] } };
  }
  if (hasError) {
    if (!has(value, "id")) return invalid("an error response must carry an id (or null)");
    const error = value["error"];
    if (
      !isPlainObject(error) ||
      typeof error["code"] !== "number" ||
      !Number.isInteger(error["code"]) ||
      typeof error["message"] !== "string"
    ) {
      return invalid("error must be an object with an integer code and a string message");
    }
    const errorObject: JsonRpcErrorObject = { code: error["code"], message: error["message"] };
    if (has(error, "data")) errorObject.data = error["data"];
    return { kind: "error", message: { ...envelope, id: readableId, error: errorObject } };
  }
  return invalid("message must have a method, a result or an error");
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON.parse without throwing; the reason is what a -32700 answer reports. */
export function parseJsonText(text: string): JsonTextResult {
  if (text.trim().length === 0) return { ok: false, reason: "empty message" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export function parseMessageLine(line: string): ParsedLine {
  const parsed = parseJsonText(line);
  if (!parsed.ok) return { kind: "parse-error", reason: parsed.reason };
  return classifyMessage(parsed.value);
}

/**
 * The envelope a reply should carry: `{jsonrpc: "2.0"}` when the message being answered
 * declared it, nothing otherwise (SPEC §1).
 */
export function replyEnvelope(to: { jsonrpc?: unknown } | boolean | undefined): JsonRpcEnvelope {
  const echo = typeof to === "boolean" ? to : to?.jsonrpc === "2.0";
  return echo ? { jsonrpc: "2.0" } : {};
}

export function successResponse(
  request: JsonRpcRequest,
  result: unknown,
): JsonRpcSuccess {
  return { ...replyEnvelope(request), id: request.id, result };
}

export function errorResponse(
  id: JsonRpcId | null,
  error: JsonRpcErrorObject,
  echoJsonrpc: boolean = false,
): JsonRpcErrorResponse {
  return { ...replyEnvelope(echoJsonrpc), id, error };
}

/**
 * Where a message serialised ahead of time keeps its JSON text. A registered symbol, because
 * the runtime exists twice (here and in its generated copy); JSON.stringify skips symbol keys.
 */
const SERIALIZED_JSON = Symbol.for("thread-queue-toolkit.serialized-json");

/**
 * Attaches the JSON text `message` serialises to, so that transports write that text instead
 * of stringifying the message again: a notification fanned out to many peers is serialised
 * once. `json` must be exactly what `JSON.stringify(message)` would produce.
 */
export function withSerializedJson<T extends JsonRpcMessage>(message: T, json: string): T {
  Object.defineProperty(message, SERIALIZED_JSON, { value: json, enumerable: false });
  return message;
}

/** A message's JSON text: the text attached by `withSerializedJson`, else `JSON.stringify`. */
export function serializeMessage(message: JsonRpcMessage): string {
  const attached: unknown = (message as { [SERIALIZED_JSON]?: unknown })[SERIALIZED_JSON];
  return typeof attached === "string" ? attached : JSON.stringify(message);
}
