import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { JsonRpcConnection } from "../../generated/runtime/connection.js";
import type { RpcError } from "../../generated/runtime/errors.js";
import type { Transport } from "../../generated/runtime/transport.js";
import {
  WebSocketClientTransport,
  WebSocketUpgradeError,
} from "../../generated/runtime/transports/websocket-client.js";
import { WebSocketListener, type WebSocketConnectionInfo, type WebSocketListenerOptions } from "./websocket.js";

const listeners: WebSocketListener[] = [];

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

/**
 * A listener whose connections echo every request back as its result, and report frame
 * errors the way the server does: `{id: null, error}`.
 */
async function startEchoServer(options: Partial<WebSocketListenerOptions> = {}) {
  const accepted: Array<{ transport: Transport; info: WebSocketConnectionInfo }> = [];
  const listener = new WebSocketListener({
    ...options,
    onconnection: (transport, info) => {
      accepted.push({ transport, info });
      transport.onmessage = (message) => {
        const request = message as { id: number; method: string; params?: unknown };
        void transport.send({ id: request.id, result: { method: request.method, params: request.params ?? null } });
      };
      transport.onframeerror = (error: RpcError) => void transport.send({ id: null, error: error.toJson() });
      void transport.start();
    },
  });
  listeners.push(listener);
  const address = await listener.listen({ port: 0 });
  return { listener, address, accepted };
}

async function rejectionOf(promise: Promise<unknown>): Promise<WebSocketUpgradeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebSocketUpgradeError);
  return error as WebSocketUpgradeError;
}

describe("WebSocketListener", () => {
  it("listens on 127.0.0.1 and reports the port it got", async () => {
    const { address, listener } = await startEchoServer();
    expect(address.host).toBe("127.0.0.1");
    expect(address.port).toBeGreaterThan(0);
    expect(address.url).toBe(`ws://127.0.0.1:${address.port}/`);
    expect(listener.address).toEqual(address);
  });

  it("answers /healthz and /readyz with 200 JSON and any other path with 404", async () => {
    let ready = false;
    const { address } = await startEchoServer({ isReady: () => ready });
    const base = `http://127.0.0.1:${address.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await health.json()).toEqual({ status: "ok" });
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: "not ready" });
    ready = true;
    const readyNow = await fetch(`${base}/readyz?verbose=1`);
    expect(readyNow.status).toBe(200);
    expect(await readyNow.json()).toEqual({ status: "ready" });
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);
  });

  it("carries JSON-RPC both ways, one message per text frame", async () => {
    const { address, accepted } = await startEchoServer();
    const connection = new JsonRpcConnection(new WebSocketClientTransport({ url: address.url }));
    await connection.start();
    await expect(connection.request("thread/queue/list", { threadId: "t" })).resolves.toEqual({
      method: "thread/queue/list",
      params: { threadId: "t" },
    });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.info.remoteAddress).toBe("127.0.0.1");
    expect(accepted[0]!.info.url).toBe("/");
    await connection.close();
  });

  it("answers unparsable text with -32700 and binary frames with -32600, keeping the socket open", async () => {
    const { address } = await startEchoServer();
    const socket = new WebSocket(address.url);
    const replies: unknown[] = [];
    socket.on("message", (data) => replies.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send("{broken");
    socket.send(Buffer.from('{"id":1,"method":"x"}'), { binary: true });
    socket.send('{"id":2,"method":"after"}');
    await vi.waitFor(() => expect(replies).toHaveLength(3), { timeout: 30_000 });
    expect(replies[0]).toMatchObject({ id: null, error: { code: -32700 } });
    expect(replies[1]).toEqual({
      id: null,
      error: { code: -32600, message: "binary frames are not supported; send each message as a text frame" },
    });
    expect(replies[2]).toEqual({ id: 2, result: { method: "after", params: null } });
    socket.close();
  });

  it("answers a frame over maxPayload with -32700 and keeps the socket open", async () => {
    const { address } = await startEchoServer({ maxPayload: 1024 });
    const socket = new WebSocket(address.url);
    await new Promise((resolve) => socket.once("open", resolve));
    const replies: unknown[] = [];
    socket.on("message", (data) => replies.push(JSON.parse(String(data))));
    socket.send(JSON.stringify({ id: 1, method: "x", params: { pad: "y".repeat(1500) } }));
    socket.send(Buffer.alloc(1025, 0x20), { binary: true });
    socket.send(JSON.stringify({ id: 2, method: "fits", params: { pad: "y".repeat(900) } }));
    await vi.waitFor(() => expect(replies).toHaveLength(3), { timeout: 30_000 });
    const tooLarge = { id: null, error: { code: -32700, message: "Parse error: message exceeds the limit of 1024 bytes" } };
    expect(replies.slice(0, 2)).toEqual([tooLarge, tooLarge]);
    expect(replies[2]).toMatchObject({ id: 2, result: { method: "fits" } });
    socket.close();
  });

  it("closes a socket that sends a frame over twice maxPayload (1009)", async () => {
    const { address } = await startEchoServer({ maxPayload: 1024 });
    const socket = new WebSocket(address.url);
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ id: 1, method: "x", params: { pad: "y".repeat(2049) } }));
    expect(await closed).toBe(1009);
  });

  it("requires the bearer token when one is configured (401 before upgrade)", async () => {
    const { address, accepted } = await startEchoServer({ token: "s3cret" });
    const missing = await rejectionOf(new WebSocketClientTransport({ url: address.url }).start());
    expect(missing.status).toBe(401);
    expect(missing.body).toBe('{"error":"missing bearer token"}');
    const wrong = await rejectionOf(
      new WebSocketClientTransport({ url: address.url, headers: { Authorization: "Bearer nope" } }).start(),
    );
    expect(wrong.status).toBe(401);
    expect(accepted).toHaveLength(0);

    const connection = new JsonRpcConnection(
      new WebSocketClientTransport({ url: address.url, headers: { Authorization: "Bearer s3cret" } }),
    );
    await connection.start();
    await expect(connection.request("ping")).resolves.toEqual({ method: "ping", params: null });
    await connection.close();
  });

  it("refuses browser origins unless allowed (403 before upgrade), and accepts clients without Origin", async () => {
    const { address } = await startEchoServer({ allowedOrigins: ["https://app.example"] });
    const foreign = await rejectionOf(
      new WebSocketClientTransport({ url: address.url, headers: { Origin: "https://evil.example" } }).start(),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toBe('{"error":"origin not allowed: https://evil.example"}');

    for (const headers of [{ Origin: "https://app.example" }, {}] as Array<Record<string, string>>) {
      const transport = new WebSocketClientTransport({ url: address.url, headers });
      await transport.start();
      await transport.close();
    }
  });

  it("refuses every Origin when no allow-list is given", async () => {
    const { address } = await startEchoServer();
    const error = await rejectionOf(
      new WebSocketClientTransport({ url: address.url, headers: { Origin: "http://localhost:3000" } }).start(),
    );
    expect(error.status).toBe(403);
  });

  it("drops a client that stops answering pings, and keeps one that answers", async () => {
    const { address, listener } = await startEchoServer({ heartbeatIntervalMs: 100 });
    const silent = new WebSocket(address.url, { autoPong: false });
    const lively = new WebSocket(address.url);
    const silentClosed = new Promise<void>((resolve) => silent.once("close", () => resolve()));
    await Promise.all([silent, lively].map((socket) => new Promise((resolve) => socket.once("open", resolve))));
    await silentClosed;
    expect(lively.readyState).toBe(WebSocket.OPEN);
    await vi.waitFor(() => expect(listener.connectionCount).toBe(1), { timeout: 30_000 });
    lively.close();
  });

  it("close() ends every connection with 1001 and stops listening", async () => {
    const { address, listener } = await startEchoServer();
    const transport = new WebSocketClientTransport({ url: address.url });
    const clientClosed = new Promise<void>((resolve) => (transport.onclose = resolve));
    await transport.start();
    await vi.waitFor(() => expect(listener.connectionCount).toBe(1), { timeout: 30_000 });
    await listener.close();
    await clientClosed;
    expect(listener.connectionCount).toBe(0);
    await expect(fetch(`http://127.0.0.1:${address.port}/healthz`)).rejects.toThrow();
  });
});
