import { afterEach, describe, expect, it, vi } from "vitest";
import { JsonRpcConnection } from "./connection.js";
import { LocalErrorCodes, RpcError, invalidParams, isRpcError } from "./errors.js";
import { createMemoryTransportPair } from "./transports/memory.js";

/** A client connection and the raw far end, which a test drives by hand. */
async function setup(options: ConstructorParameters<typeof JsonRpcConnection>[1] = {}) {
  const [near, far] = createMemoryTransportPair();
  const connection = new JsonRpcConnection(near, options);
  const received: unknown[] = [];
  const errors: Error[] = [];
  far.onmessage = (message) => received.push(message);
  connection.onerror = (error) => errors.push(error);
  await far.start();
  await connection.start();
  return { connection, near, far, received, errors };
}

const nextMessage = async (received: unknown[], index: number): Promise<unknown> => {
  await vi.waitFor(() => expect(received.length).toBeGreaterThan(index));
  return received[index];
};

afterEach(() => {
  vi.useRealTimers();
});

describe("JsonRpcConnection", () => {
  it("sends requests with increasing integer ids and resolves with the matching result", async () => {
    const { connection, far, received } = await setup();
    const first = connection.request("thread/queue/list", { threadId: "t" });
    const second = connection.request("initialize");
    expect(await nextMessage(received, 1)).toEqual({ id: 2, method: "initialize" });
    expect(received[0]).toEqual({ id: 1, method: "thread/queue/list", params: { threadId: "t" } });
    // Answered out of order: routing is by id, not by arrival.
    await far.send({ id: 2, result: { userAgent: "x" } });
    await far.send({ id: 1, result: { data: [], nextCursor: null } });
    await expect(second).resolves.toEqual({ userAgent: "x" });
    await expect(first).resolves.toEqual({ data: [], nextCursor: null });
    expect(connection.pendingCount).toBe(0);
  });

  it("rejects with an RpcError carrying the peer's code, message and data", async () => {
    const { connection, far } = await setup();
    const call = connection.request("thread/queue/add", {});
    await far.send({ id: 1, error: { code: -32602, message: "bad params", data: { errors: [] } } });
    const error: unknown = await call.catch((e: unknown) => e);
    expect(isRpcError(error)).toBe(true);
    expect((error as RpcError).toJson()).toEqual({ code: -32602, message: "bad params", data: { errors: [] } });
  });

  it("sends the jsonrpc member only when asked to", async () => {
    const { connection, received } = await setup({ sendJsonrpcMember: true });
    await connection.notify("initialized");
    expect(await nextMessage(received, 0)).toEqual({ jsonrpc: "2.0", method: "initialized" });
  });

  it("times a request out with a RequestTimeout RpcError and forgets it", async () => {
    vi.useFakeTimers();
    const { connection } = await setup({ requestTimeoutMs: 1_000 });
    const call = connection.request("slow/method");
    const outcome = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    const error = (await outcome) as RpcError;
    expect(error.code).toBe(LocalErrorCodes.RequestTimeout);
    expect(error.message).toBe("Request timed out after 1000 ms: slow/method");
    expect(connection.pendingCount).toBe(0);
  });

  it("lets one request override the default timeout", async () => {
    vi.useFakeTimers();
    const { connection, far } = await setup({ requestTimeoutMs: 10 });
    const call = connection.request("m", undefined, { timeoutMs: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    await far.send({ id: 1, result: "late but fine" });
    await expect(call).resolves.toBe("late but fine");
  });

  it("rejects an aborted request with the signal's reason", async () => {
    const { connection } = await setup();
    const controller = new AbortController();
    const call = connection.request("m", undefined, { signal: controller.signal });
    controller.abort(new Error("user cancelled"));
    await expect(call).rejects.toThrow("user cancelled");
    expect(connection.pendingCount).toBe(0);
  });

  it("rejects every pending request when the peer closes, and refuses new ones", async () => {
    const { connection, far } = await setup();
    const closed = vi.fn();
    connection.onclose = closed;
    const calls = [connection.request("a"), connection.request("b")].map((p) => p.catch((e: unknown) => e));
    await far.close();
    for (const error of await Promise.all(calls)) {
      expect((error as RpcError).code).toBe(LocalErrorCodes.ConnectionClosed);
    }
    expect(closed).toHaveBeenCalledTimes(1);
    await expect(connection.request("c")).rejects.toMatchObject({ code: LocalErrorCodes.ConnectionClosed });
    await expect(connection.notify("n")).rejects.toMatchObject({ code: LocalErrorCodes.ConnectionClosed });
  });

  it("rejects pending requests on a local close too", async () => {
    const { connection } = await setup();
    const call = connection.request("a").catch((e: unknown) => e);
    await connection.close();
    expect(((await call) as RpcError).code).toBe(LocalErrorCodes.ConnectionClosed);
  });

  it("routes notifications to every handler of their method, and the rest to the fallback", async () => {
    const { connection, far } = await setup();
    const first = vi.fn();
    const second = vi.fn();
    const fallback = vi.fn();
    connection.onNotification("thread/queue/changed", first);
    const unsubscribe = connection.onNotification("thread/queue/changed", second);
    connection.setFallbackNotificationHandler(fallback);
    await far.send({ method: "thread/queue/changed", params: { threadId: "t", queuedTurns: [] } });
    await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(first).toHaveBeenCalledWith({ threadId: "t", queuedTurns: [] });
    unsubscribe();
    await far.send({ method: "thread/queue/changed", params: { threadId: "u", queuedTurns: [] } });
    await far.send({ method: "other/event" });
    await vi.waitFor(() => expect(fallback).toHaveBeenCalledWith("other/event", undefined));
    expect(first).toHaveBeenCalledTimes(2);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("reports a throwing notification handler to onerror and keeps going", async () => {
    const { connection, far, errors } = await setup();
    const after = vi.fn();
    connection.onNotification("n", () => {
      throw new Error("handler broke");
    });
    connection.onNotification("m", after);
    await far.send({ method: "n" });
    await far.send({ method: "m" });
    await vi.waitFor(() => expect(after).toHaveBeenCalled());
    expect(errors.map((e) => e.message)).toContain("handler broke");
  });

  it("answers server→client requests with the handler's result, echoing jsonrpc", async () => {
    const { connection, far, received } = await setup();
    connection.onRequest("item/approve", async (params) => ({ decision: "accept", saw: params }));
    await far.send({ jsonrpc: "2.0", id: "s1", method: "item/approve", params: { itemId: "i" } });
    expect(await nextMessage(received, 0)).toEqual({
      jsonrpc: "2.0",
      id: "s1",
      result: { decision: "accept", saw: { itemId: "i" } },
    });
  });

  it("answers with the handler's RpcError, -32603 for other throws, -32601 without a handler", async () => {
    const { connection, far, received, errors } = await setup();
    connection.onRequest("typed/failure", () => {
      throw invalidParams("nope", { field: "x" });
    });
    connection.onRequest("crash", () => {
      throw new Error("boom");
    });
    await far.send({ id: 1, method: "typed/failure" });
    await far.send({ id: 2, method: "crash" });
    await far.send({ id: 3, method: "unknown/method" });
    await vi.waitFor(() => expect(received).toHaveLength(3));
    const byId = new Map(received.map((m) => [(m as { id: number }).id, m]));
    expect(byId.get(1)).toEqual({ id: 1, error: { code: -32602, message: "nope", data: { field: "x" } } });
    expect(byId.get(2)).toEqual({ id: 2, error: { code: -32603, message: "boom" } });
    expect(byId.get(3)).toEqual({ id: 3, error: { code: -32601, message: "Method not found: unknown/method" } });
    expect(errors.map((e) => e.message)).toEqual(["boom"]);
  });

  it("refuses a second handler for the same request method", async () => {
    const { connection } = await setup();
    const dispose = connection.onRequest("m", () => 1);
    expect(() => connection.onRequest("m", () => 2)).toThrow("already registered");
    dispose();
    expect(() => connection.onRequest("m", () => 3)).not.toThrow();
  });

  it("reports unknown response ids, invalid messages and unparsable frames to onerror", async () => {
    const { near, far, errors } = await setup();
    await far.send({ id: 99, result: 1 });
    await far.send({ id: 1, method: "" });
    near.injectText("{not json");
    await vi.waitFor(() => expect(errors).toHaveLength(3));
    expect(errors[0]!.message).toBe("received a response for unknown request id 99");
    expect(errors[1]!.message).toBe("received an invalid message: method must be a non-empty string");
    expect((errors[2] as RpcError).code).toBe(-32700);
  });
});
