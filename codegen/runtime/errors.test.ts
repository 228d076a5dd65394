import { describe, expect, it } from "vitest";
import {
  ErrorCodes,
  RpcError,
  internalError,
  invalidParams,
  invalidRequest,
  isRpcError,
  methodNotFound,
  parseError,
  serverOverloaded,
} from "./errors.js";

describe("error helpers", () => {
  it("produce the wire codes and messages", () => {
    expect(parseError("Unexpected end of JSON input").toJson()).toEqual({
      code: -32700,
      message: "Parse error: Unexpected end of JSON input",
    });
    expect(invalidRequest("Not initialized").toJson()).toEqual({ code: -32600, message: "Not initialized" });
    expect(methodNotFound("thread/nope").toJson()).toEqual({ code: -32601, message: "Method not found: thread/nope" });
    expect(invalidParams("bad", { errors: [] }).toJson()).toEqual({ code: -32602, message: "bad", data: { errors: [] } });
    expect(internalError().toJson()).toEqual({ code: -32603, message: "Internal error" });
    expect(serverOverloaded().toJson()).toEqual({ code: -32001, message: "Server overloaded; retry later." });
    expect(ErrorCodes.ServerOverloaded).toBe(-32001);
  });

  it("keeps data: null but leaves out undefined data", () => {
    expect(new RpcError(1, "m", null).toJson()).toEqual({ code: 1, message: "m", data: null });
    expect("data" in new RpcError(1, "m").toJson()).toBe(false);
  });

  it("recognize RpcErrors structurally, not by instanceof", () => {
    const fromJson = RpcError.fromJson({ code: -32602, message: "x", data: 1 });
    expect(isRpcError(fromJson)).toBe(true);
    expect(fromJson).toBeInstanceOf(Error);
    expect(isRpcError(new Error("x"))).toBe(false);
    expect(isRpcError({ code: -32600, message: "looks like one" })).toBe(false);
  });
});
