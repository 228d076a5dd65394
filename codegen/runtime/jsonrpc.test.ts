import { describe, expect, it } from "vitest";
import {
  classifyMessage,
  errorResponse,
  parseMessageLine,
  replyEnvelope,
  serializeMessage,
  successResponse,
  withSerializedJson,
  type ClassifiedMessage,
  type JsonRpcId,
} from "./jsonrpc.js";

const invalid = (id: JsonRpcId | null, reason: string, jsonrpc = false): ClassifiedMessage => ({
  kind: "invalid",
  id,
  reason,
  jsonrpc,
});

describe("classifyMessage", () => {
  it("reads a Codex request (no jsonrpc member)", () => {
    expect(classifyMessage({ id: 1, method: "thread/queue/list", params: { threadId: "t" } })).toEqual({
      kind: "request",
      message: { id: 1, method: "thread/queue/list", params: { threadId: "t" } },
    });
  });

  it("keeps jsonrpc when the peer sent it, so replies can echo it", () => {
    expect(classifyMessage({ jsonrpc: "2.0", id: "a", method: "m" })).toEqual({
      kind: "request",
      message: { jsonrpc: "2.0", id: "a", method: "m" },
    });
  });

  it("reads notifications, with params as array or object", () => {
    expect(classifyMessage({ method: "initialized" })).toEqual({
      kind: "notification",
      message: { method: "initialized" },
    });
    expect(classifyMessage({ method: "n", params: [1, 2] })).toEqual({
      kind: "notification",
      message: { method: "n", params: [1, 2] },
    });
  });

  it("treats params: null as absent", () => {
    expect(classifyMessage({ id: 2, method: "m", params: null })).toEqual({
      kind: "request",
      message: { id: 2, method: "m" },
    });
  });

  it("reads responses and error responses, including id null", () => {
    expect(classifyMessage({ id: 3, result: null })).toEqual({ kind: "response", message: { id: 3, result: null } });
    expect(classifyMessage({ id: null, error: { code: -32700, message: "Parse error: x", data: 1 } })).toEqual({
      kind: "error",
      message: { id: null, error: { code: -32700, message: "Parse error: x", data: 1 } },
    });
  });

  it("drops unknown members", () => {
    expect(classifyMessage({ id: 1, method: "m", extra: true })).toEqual({
      kind: "request",
      message: { id: 1, method: "m" },
    });
  });

  it.each<[string, unknown, ClassifiedMessage]>([
    ["an array (batch)", [], invalid(null, "message must be a JSON object (batches are not supported)")],
    ["a string", "hello", invalid(null, "message must be a JSON object")],
    ["null", null, invalid(null, "message must be a JSON object")],
    ["a wrong jsonrpc", { jsonrpc: "1.0", id: 4, method: "m" }, invalid(4, 'jsonrpc must be "2.0"')],
    ["a fractional id", { id: 1.5, method: "m" }, invalid(null, "id must be a string or an integer")],
    ["an object id", { id: {}, method: "m" }, invalid(null, "id must be a string or an integer")],
    ["a null request id", { id: null, method: "m" }, invalid(null, "id must be a string or an integer")],
    ["an empty method", { id: 5, method: "" }, invalid(5, "method must be a non-empty string")],
    ["a numeric method", { id: 5, method: 7 }, invalid(5, "method must be a non-empty string")],
    ["scalar params", { id: 6, method: "m", params: 3 }, invalid(6, "params must be an object or array")],
    ["string params", { method: "m", params: "x" }, invalid(null, "params must be an object or array")],
    ["result and error", { id: 7, result: 1, error: { code: 1, message: "m" } }, invalid(7, "a response must not carry both result and error")],
    ["a result without id", { result: 1 }, invalid(null, "a response must carry the id of its request")],
    ["an error without id", { error: { code: 1, message: "m" } }, invalid(null, "an error response must carry an id (or null)")],
    ["a malformed error", { id: 8, error: { code: "x", message: "m" } }, invalid(8, "error must be an object with an integer code and a string message")],
    ["an empty object", {}, invalid(null, "message must have a method, a result or an error")],
  ])("rejects %s with a precise reason", (_name, value, expected) => {
    expect(classifyMessage(value)).toEqual(expected);
  });

  it("remembers jsonrpc on an invalid message so the answer can echo it", () => {
    expect(classifyMessage({ jsonrpc: "2.0", id: 9, method: "" })).toEqual(
      invalid(9, "method must be a non-empty string", true),
    );
  });
});

describe("parseMessageLine", () => {
  it("classifies a parsable line", () => {
    expect(parseMessageLine('{"method":"initialized"}')).toEqual({
      kind: "notification",
      message: { method: "initialized" },
    });
  });

  it("reports unparsable text as a parse error", () => {
    const parsed = parseMessageLine('{"method":');
    expect(parsed.kind).toBe("parse-error");
    expect(parseMessageLine("   ")).toEqual({ kind: "parse-error", reason: "empty message" });
  });
});

describe("replies", () => {
  it("echo jsonrpc only when the request carried it", () => {
    expect(successResponse({ id: 1, method: "m" }, { ok: true })).toEqual({ id: 1, result: { ok: true } });
    expect(successResponse({ jsonrpc: "2.0", id: 1, method: "m" }, 1)).toEqual({ jsonrpc: "2.0", id: 1, result: 1 });
    expect(errorResponse(null, { code: -32700, message: "x" })).toEqual({ id: null, error: { code: -32700, message: "x" } });
    expect(errorResponse(2, { code: -32600, message: "x" }, true)).toEqual({
      jsonrpc: "2.0",
      id: 2,
      error: { code: -32600, message: "x" },
    });
    expect(replyEnvelope(undefined)).toEqual({});
  });
});

describe("messages serialised ahead of time", () => {
  it("are written as their attached text, which JSON.stringify of the message would also give", async () => {
    const { serializeLine } = await import("./framing.js");
    const { MemoryTransport } = await import("./transports/memory.js");
    const message = { method: "n", params: { rows: [1, 2] } };
    const json = JSON.stringify(message);
    const prepared = withSerializedJson({ ...message }, json);
    expect(serializeMessage(prepared)).toBe(json);
    expect(JSON.stringify(prepared)).toBe(json);
    expect(Object.keys(prepared)).toEqual(["method", "params"]);
    // The transports use the attached text as is (a stand-in text shows it is not re-serialised).
    const tagged = withSerializedJson({ method: "n" }, '{"method":"attached"}');
    expect(serializeLine(tagged)).toBe('{"method":"attached"}\n');
    const [a, b] = MemoryTransport.pair();
    const received: unknown[] = [];
    b.onmessage = (value) => received.push(value);
    await b.start();
    await a.send(tagged);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([{ method: "attached" }]);
  });

  it("without attached text are stringified", () => {
    expect(serializeMessage({ id: 1, result: null })).toBe('{"id":1,"result":null}');
  });
});
