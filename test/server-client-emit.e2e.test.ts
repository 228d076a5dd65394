/**
 * End to end in one process: the fixture's generated dispatcher serves the generated client
 * over the runtime's in-memory transport pair. The generated modules are written to a temp
 * folder and imported at run time, so these tests exercise exactly what codegen emits; the
 * local interfaces below describe only what the tests call (the typecheck test covers typing).
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Transport } from "../codegen/runtime/transport.js";
import { emitAll, writeTree, type EmittedTree } from "./fixtures/emit-protocol/emit-tree.js";
import { fixtureModel } from "./fixtures/emit-protocol/model.js";
import {
  startLoop,
  type GeneratedClient as Client,
  type GeneratedClientModule,
  type GeneratedClientOptions as ClientOptions,
  type GeneratedDispatcher,
  type GeneratedServerModule,
  type Handler as LoopHandler,
} from "./support/generated-loop.js";

interface Ctx {
  readonly connection: string;
}
type Handler = LoopHandler<Ctx>;
type Dispatcher = GeneratedDispatcher<Ctx>;
interface ServerModule extends GeneratedServerModule<Ctx> {
  RpcError: new (code: number, message: string, data?: unknown) => Error;
  lookupMethodInfo(method: string): { kind: string; direction: string; experimental: boolean; since: string } | undefined;
}
interface ClientModule extends GeneratedClientModule {
  IncomingValidationError: new (...args: never[]) => Error;
}

let tree: EmittedTree;
let server: ServerModule;
let client: ClientModule;

beforeAll(async () => {
  tree = writeTree(emitAll(fixtureModel()), "emit-protocol-e2e");
  const load = async (path: string): Promise<unknown> => import(pathToFileURL(join(tree.dir, path)).href);
  server = (await load("server/index.ts")) as ServerModule;
  client = (await load("client/index.ts")) as ClientModule;
});

afterAll(() => tree?.remove());

/** What handlers saw, so tests can assert on params and context. */
const seen: { method: string; params: unknown; ctx: Ctx }[] = [];
const never = new Promise<never>(() => undefined);

function handlers(): { requests: Record<string, Handler>; notifications: Record<string, Handler> } {
  const record = (method: string, params: unknown, ctx: Ctx): void => void seen.push({ method, params, ctx });
  return {
    requests: {
      initialize: async (params, ctx) => {
        record("initialize", params, ctx);
        return { serverName: "fixture" };
      },
      "item/add": async (params, ctx) => {
        record("item/add", params, ctx);
        const { item, threadId } = params as { threadId: string; item: { id: string; text: string } };
        if (threadId === "rpc-error") throw new server.RpcError(-32600, "thread not found: rpc-error", { threadId });
        if (threadId === "plain-error") throw new Error("database is on fire");
        if (threadId === "bad-result") return { item: { id: 42 } };
        if (threadId === "hang") return never;
        return { item };
      },
      // Not async: a synchronous throw must still become an error answer.
      "item/list": (params) => {
        if ((params as { threadId: string }).threadId === "sync-throw") throw new TypeError("sync boom");
        return Promise.resolve({ data: [] });
      },
      "server/ping": async (params, ctx) => {
        record("server/ping", params, ctx);
        return "pong";
      },
    },
    notifications: {
      initialized: async (params, ctx) => void record("initialized", params, ctx),
      "client/progress": async (params, ctx) => void record("client/progress", params, ctx),
    },
  };
}

interface Connected {
  readonly client: Client;
  readonly dispatcher: Dispatcher;
  readonly errors: { error: unknown; method: string }[];
  readonly clientErrors: Error[];
  /** Sends a raw message from the server end, bypassing the generated sender. */
  send(message: Record<string, unknown>): Promise<void>;
  sendNotification(method: string, params: unknown): void;
  requestClient(method: string, params: unknown): Promise<unknown>;
}

const open: Client[] = [];
afterEach(async () => {
  seen.length = 0;
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** The dispatcher answers requests over the memory transport; it may also call the client. */
async function connect(options: { validateResults?: boolean; client?: ClientOptions } = {}): Promise<Connected> {
  const clientErrors: Error[] = [];
  const loop = await startLoop<Ctx>({ server, client }, handlers(), {
    ctx: { connection: "memory-1" },
    validateResults: options.validateResults ?? true,
    client: { onError: (error) => void clientErrors.push(error), ...options.client },
  });
  open.push(loop.client);
  const sender = server.createNotificationSender((method, params) => void loop.serverEnd.send({ method, params }), { validate: true });
  return {
    client: loop.client,
    dispatcher: loop.dispatcher,
    errors: loop.serverErrors,
    clientErrors,
    send: (message) => loop.serverEnd.send(message as unknown as Parameters<Transport["send"]>[0]),
    sendNotification: (method, params) => {
      const member = sender[method === "item/changed" ? "itemChanged" : method];
      if (member === undefined) throw new Error(`no sender for ${method}`);
      member(params);
    },
    requestClient: loop.requestClient,
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message?: unknown; data?: unknown; name?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message?: unknown; data?: unknown };
  }
  throw new Error("expected the promise to reject");
}

const item = { id: "q1", text: "hello" };

describe("generated dispatcher + client over the memory transport", () => {
  it("round-trips a typed request, passing params and the context to the handler", async () => {
    const { client: c } = await connect();
    await expect(c.request("item/add", { threadId: "t1", item })).resolves.toEqual({ item });
    expect(seen).toEqual([{ method: "item/add", params: { threadId: "t1", item }, ctx: { connection: "memory-1" } }]);
  });

  it("sends a request without params and hands the handler undefined", async () => {
    const { client: c } = await connect();
    await expect(c.request("server/ping")).resolves.toBe("pong");
    expect(seen).toEqual([{ method: "server/ping", params: undefined, ctx: { connection: "memory-1" } }]);
  });

  it("answers an unknown method with -32601, also for names on Object.prototype", async () => {
    const { client: c, dispatcher } = await connect();
    expect(await rejection(c.request("item/nope", {}))).toMatchObject({ code: -32601, message: "Method not found: item/nope" });
    expect(await rejection(c.request("toString"))).toMatchObject({ code: -32601, message: "Method not found: toString" });
    expect([dispatcher.knows("item/add"), dispatcher.knows("initialized"), dispatcher.knows("__proto__"), dispatcher.knows("item/changed")]).toEqual([true, true, false, false]);
  });

  it("answers params failing the schema with -32602, the first problem and every issue in data.errors", async () => {
    const { client: c } = await connect();
    const error = await rejection(c.request("item/list", { threadId: "t1", limit: 4294967296 }));
    expect(error).toMatchObject({ code: -32602, message: "Invalid params for item/list: /limit must be <= 4294967295" });
    expect(error.data).toMatchObject({ errors: [{ instancePath: "/limit", keyword: "maximum" }] });
    const missing = await rejection(c.request("item/add", { item }));
    expect(missing).toMatchObject({ code: -32602, message: "Invalid params for item/add: must have required property 'threadId'" });
    expect(seen).toEqual([]);
  });

  it("turns a thrown RpcError into its own error and anything else into -32603 reported to onError", async () => {
    const { client: c, errors } = await connect();
    expect(await rejection(c.request("item/add", { threadId: "rpc-error", item }))).toMatchObject({
      code: -32600,
      message: "thread not found: rpc-error",
      data: { threadId: "rpc-error" },
    });
    expect(errors).toEqual([]);
    expect(await rejection(c.request("item/add", { threadId: "plain-error", item }))).toMatchObject({ code: -32603, message: "Internal error" });
    expect(await rejection(c.request("item/list", { threadId: "sync-throw" }))).toMatchObject({ code: -32603 });
    expect(errors.map(({ error, method }) => [method, (error as Error).message])).toEqual([
      ["item/add", "database is on fire"],
      ["item/list", "sync boom"],
    ]);
  });

  it("with validateResults, answers a result failing its schema with -32603 naming the method", async () => {
    const { client: c, errors } = await connect({ validateResults: true });
    const error = await rejection(c.request("item/add", { threadId: "bad-result", item }));
    expect(error).toMatchObject({ code: -32603 });
    expect(String(error.message)).toMatch(/^Invalid result for item\/add: \/item/);
    expect(errors.map((entry) => entry.method)).toEqual(["item/add"]);
  });

  it("delivers a server notification to `on`, and stops after unsubscribing", async () => {
    const { client: c, sendNotification } = await connect();
    const received: unknown[] = [];
    const off = c.on("item/changed", (params) => void received.push(params));
    sendNotification("item/changed", { threadId: "t1", items: [item] });
    await expect.poll(() => received).toEqual([{ threadId: "t1", items: [item] }]);
    off();
    sendNotification("item/changed", { threadId: "t1", items: [] });
    await c.request("server/ping");
    expect(received).toHaveLength(1);
  });

  it("the notification sender with validate throws on params failing the schema", async () => {
    const { sendNotification } = await connect();
    expect(() => sendNotification("item/changed", { threadId: "t1" })).toThrow("Invalid params for item/changed: must have required property 'items'");
  });

  it("looks up methodInfo for any method name, and nothing for Object.prototype's", () => {
    expect(server.lookupMethodInfo("item/add")).toEqual({ kind: "request", direction: "clientToServer", experimental: true, since: "0.1.0" });
    expect(server.lookupMethodInfo("item/changed")).toMatchObject({ kind: "notification", direction: "serverToClient", experimental: true });
    expect([server.lookupMethodInfo("toString"), server.lookupMethodInfo("item/nope")]).toEqual([undefined, undefined]);
  });

  it("routes a server→client request to `handle` and its answer back", async () => {
    const { client: c, requestClient } = await connect();
    c.handle("item/confirm", async (params) => ({ approved: (params as { prompt: string }).prompt === "sure?" }));
    await expect(requestClient("item/confirm", { prompt: "sure?" })).resolves.toEqual({ approved: true });
    await expect(requestClient("item/unhandled", {})).rejects.toMatchObject({ code: -32601 });
  });

  it("delivers client notifications to the server's handlers; bad params go to onError", async () => {
    const { client: c, errors } = await connect();
    await c.notify("initialized");
    await c.notify("client/progress", { percent: 50 });
    await c.notify("client/progress", { percent: 500 });
    await c.notify("item/unknown", {});
    await expect.poll(() => errors.length).toBe(2);
    expect(seen.map(({ method, params }) => [method, params])).toEqual([
      ["initialized", undefined],
      ["client/progress", { percent: 50 }],
    ]);
    expect(errors.map(({ error, method }) => [method, (error as { code: number }).code, (error as Error).message])).toEqual([
      ["client/progress", -32602, "Invalid params for client/progress: /percent must be <= 100"],
      ["item/unknown", -32601, "Method not found: item/unknown"],
    ]);
  });

  it("rejects pending requests when the client closes", async () => {
    const { client: c } = await connect();
    const pending = c.request("item/add", { threadId: "hang", item });
    await expect.poll(() => seen.length).toBe(1);
    await c.close();
    expect(await rejection(pending)).toMatchObject({ code: -31002 });
    expect(await rejection(c.request("server/ping"))).toMatchObject({ code: -31002 });
  });

  it("rejects a request that outlives the timeout", async () => {
    const { client: c } = await connect({ client: { requestTimeoutMs: 50 } });
    const error = await rejection(c.request("item/add", { threadId: "hang", item }));
    expect(error).toMatchObject({ code: -31001, message: "Request timed out after 50 ms: item/add" });
  });

  it("with validateIncoming, rejects a bad result and withholds a bad notification", async () => {
    const { client: c, send, clientErrors } = await connect({ validateResults: false, client: { validateIncoming: true } });
    const error = await rejection(c.request("item/add", { threadId: "bad-result", item }));
    expect(error).toBeInstanceOf(client.IncomingValidationError);
    expect(String(error.message)).toMatch(/^Invalid result for item\/add: \/item/);
    const received: unknown[] = [];
    c.on("item/changed", (params) => void received.push(params));
    await send({ method: "item/changed", params: { threadId: 7, items: [] } });
    await expect.poll(() => clientErrors.length).toBe(1);
    expect(received).toEqual([]);
    expect(clientErrors[0]?.message).toBe("Invalid params for item/changed: /threadId must be string");
  });
});
