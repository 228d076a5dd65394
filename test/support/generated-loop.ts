/**
 * Runs a generated dispatcher and a generated client against each other in one process, over
 * the generated runtime's in-memory transport pair: the loop a server built on the output
 * would run (requests to the dispatcher, answers back; the server may call the client too).
 * The generated modules are imported at run time from a tree written by the test, so the
 * interfaces below describe only what these tests call.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { classifyMessage, type JsonRpcErrorObject, type JsonRpcId } from "../../codegen/runtime/jsonrpc.js";
import type { Transport } from "../../codegen/runtime/transport.js";

export type Handler<Ctx = unknown> = (params: unknown, ctx: Ctx) => Promise<unknown>;
export type DispatchResult = { result: unknown } | { error: JsonRpcErrorObject };

export interface LoopHandlers<Ctx = unknown> {
  requests: Record<string, Handler<Ctx>>;
  notifications: Record<string, Handler<Ctx>>;
}

export interface GeneratedDispatcher<Ctx = unknown> {
  dispatchRequest(method: string, params: unknown, ctx: Ctx): Promise<DispatchResult>;
  dispatchNotification(method: string, params: unknown, ctx: Ctx): Promise<void>;
  knows(method: string): boolean;
}

export interface GeneratedServerModule<Ctx = unknown> {
  createDispatcher(handlers: LoopHandlers<Ctx>, options?: { validateResults?: boolean; onError?: (error: unknown, method: string) => void }): GeneratedDispatcher<Ctx>;
  createNotificationSender(send: (method: string, params: unknown) => void, options?: { validate?: boolean }): Record<string, (params?: unknown) => void>;
}

export interface GeneratedClient {
  readonly ready: Promise<void>;
  request(method: string, params?: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  notify(method: string, params?: unknown): Promise<void>;
  on(method: string, listener: (params: unknown) => void): () => void;
  handle(method: string, handler: (params: unknown) => unknown): () => void;
  close(): Promise<void>;
}

export interface GeneratedClientOptions {
  requestTimeoutMs?: number;
  validateIncoming?: boolean;
  onError?: (error: Error) => void;
}

export interface GeneratedClientModule {
  createClient(transport: Transport, options?: GeneratedClientOptions): GeneratedClient;
  createMemoryTransportPair(): [Transport, Transport];
}

export interface GeneratedModules<Ctx = unknown> {
  readonly server: GeneratedServerModule<Ctx>;
  readonly client: GeneratedClientModule;
}

/** Imports server/index.ts and client/index.ts of a generated tree (tsx or vitest transpile them). */
export async function importGenerated(dir: string): Promise<GeneratedModules> {
  const load = async (path: string): Promise<unknown> => import(pathToFileURL(join(dir, path)).href);
  return { server: (await load("server/index.ts")) as GeneratedServerModule, client: (await load("client/index.ts")) as GeneratedClientModule };
}

export interface LoopOptions<Ctx> {
  /** What every handler gets as its context. */
  readonly ctx?: Ctx;
  /** The dispatcher's debug check of results (default on). */
  readonly validateResults?: boolean;
  readonly client?: GeneratedClientOptions;
}

export interface Loop<Ctx = unknown> {
  readonly client: GeneratedClient;
  readonly dispatcher: GeneratedDispatcher<Ctx>;
  /** The server's end of the pair, for messages the tests write by hand. */
  readonly serverEnd: Transport;
  /** What the dispatcher reported to onError. */
  readonly serverErrors: { error: unknown; method: string }[];
  /** Sends a server→client request and resolves with the client's answer (rejects with its error). */
  requestClient(method: string, params?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startLoop<Ctx = unknown>(modules: GeneratedModules<Ctx>, handlers: LoopHandlers<Ctx>, options: LoopOptions<Ctx> = {}): Promise<Loop<Ctx>> {
  const [clientEnd, serverEnd] = modules.client.createMemoryTransportPair();
  const serverErrors: { error: unknown; method: string }[] = [];
  const dispatcher = modules.server.createDispatcher(handlers, {
    validateResults: options.validateResults ?? true,
    onError: (error, method) => void serverErrors.push({ error, method }),
  });
  const ctx = options.ctx as Ctx;
  const pending = new Map<JsonRpcId, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextId = 1;
  serverEnd.onmessage = (value) => {
    const classified = classifyMessage(value);
    if (classified.kind === "request") {
      const { id, method, params } = classified.message;
      void dispatcher.dispatchRequest(method, params, ctx).then((outcome) => serverEnd.send("result" in outcome ? { id, result: outcome.result } : { id, error: outcome.error }));
    } else if (classified.kind === "notification") {
      void dispatcher.dispatchNotification(classified.message.method, classified.message.params, ctx);
    } else if (classified.kind === "response") {
      pending.get(classified.message.id)?.resolve(classified.message.result);
    } else if (classified.kind === "error" && classified.message.id !== null) {
      pending.get(classified.message.id)?.reject(classified.message.error);
    }
  };
  await serverEnd.start();
  const client = modules.client.createClient(clientEnd, { requestTimeoutMs: 10_000, ...options.client });
  await client.ready;
  return {
    client,
    dispatcher,
    serverEnd,
    serverErrors,
    requestClient: (method, params) =>
      new Promise((resolve, reject) => {
        const id = `s${nextId++}`;
        pending.set(id, { resolve, reject });
        void serverEnd.send(params === undefined ? { id, method } : { id, method, params });
      }),
    close: () => client.close(),
  };
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code?: unknown; message?: unknown; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message?: unknown; data?: unknown };
  }
  throw new Error("expected the promise to reject");
}
