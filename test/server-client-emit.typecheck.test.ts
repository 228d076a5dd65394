/**
 * The fixture's full output (types, validators, protocol, server, client, runtime, scaffold)
 * compiles under the project's strict options, typed usage of it compiles, and misuse — a
 * server missing a handler, a handler returning the wrong shape, a client calling with wrong
 * params — does not.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandlerStubsEmitter } from "../codegen/emit/server/scaffold.js";
import { emitAll, typecheck, writeTree, type EmittedTree } from "./fixtures/emit-protocol/emit-tree.js";
import { fixtureModel } from "./fixtures/emit-protocol/model.js";

// Compiles: a complete server and a client using every kind of call. Each line under an
// expect-error directive must fail to compile, or the directive itself is reported.
const usage = `
import { createDispatcher, createNotificationSender, experimentalMethods, methodInfo, type DispatcherHandlers } from "./server/index.js";
import { createClient, createMemoryTransportPair, type ResultOf } from "./client/index.js";

interface Ctx { readonly user: string }

const handlers: DispatcherHandlers<Ctx> = {
  requests: {
    initialize: async (params, ctx) => ({ serverName: \`\${params.clientName} for \${ctx.user}\` }),
    "item/add": async (params) => ({ item: params.item }),
    "item/list": async (params) => ({ data: params.limit === 0 ? [] : [{ id: params.threadId, text: "" }] }),
    "server/ping": async (params) => {
      const none: undefined = params;
      return none ?? "pong";
    },
  },
  notifications: {
    initialized: async () => undefined,
    "client/progress": async (params) => {
      const percent: number = params.percent;
      void percent;
    },
  },
};
export const dispatcher = createDispatcher(handlers, { validateResults: true, onError: (error, method) => void [error, method] });
const sender = createNotificationSender((method, params) => void [method, params], { validate: true });
sender.itemChanged({ threadId: "t", items: [{ id: "1", text: "x" }] });
// @ts-expect-error items is required
sender.itemChanged({ threadId: "t" });

const experimental: true = methodInfo["item/add"].experimental;
const gated: boolean = experimentalMethods.has("anything/at/all");
void [experimental, gated];

export async function useClient(): Promise<void> {
  const [clientEnd] = createMemoryTransportPair();
  const client = createClient(clientEnd, { requestTimeoutMs: 1000, validateIncoming: true });
  const added: ResultOf<"item/add"> = await client.request("item/add", { threadId: "t", item: { id: "1", text: "x" } });
  const id: string = added.item.id;
  const listed = await client.request("item/list", { threadId: "t", limit: null }, { timeoutMs: 5 });
  const first: string | undefined = listed.data[0]?.text;
  const pong: unknown = await client.request("server/ping");
  await client.notify("initialized");
  await client.notify("client/progress", { percent: 5 });
  const off = client.on("item/changed", (params) => {
    const ids: string[] = params.items.map((item) => item.id);
    void ids;
  });
  off();
  client.handle("item/confirm", async (params) => ({ approved: params.prompt.length > 0 }));
  // @ts-expect-error item/add takes params
  await client.request("item/add");
  // @ts-expect-error not a method of the protocol
  await client.request("item/nope", {});
  // @ts-expect-error threadId is a string
  await client.request("item/list", { threadId: 1 });
  // @ts-expect-error a server→client notification cannot be sent by the client
  await client.notify("item/changed", { threadId: "t", items: [] });
  // @ts-expect-error a client→server request is not something the client answers
  client.handle("item/add", async () => ({ item: { id: "", text: "" } }));
  // @ts-expect-error the answer to item/confirm needs approved
  client.handle("item/confirm", async () => ({}));
  void [id, first, pong];
  await client.close();
}
`;

const missingHandler = `
import type { ClientRequestHandlers } from "./server/index.js";

export const requests: ClientRequestHandlers<unknown> = {
  initialize: async () => ({ serverName: "s" }),
  "item/add": async (params) => ({ item: params.item }),
  "server/ping": async () => null,
};
`;

const wrongResult = `
import type { ClientRequestHandlers } from "./server/index.js";

export const requests: ClientRequestHandlers<unknown> = {
  initialize: async () => ({ serverName: "s" }),
  "item/add": async (params) => ({ item: params.item }),
  "item/list": async () => ({ data: [{ id: 1 }] }),
  "server/ping": async () => null,
};
`;

describe("generated protocol/server/client code: typecheck", () => {
  let tree: EmittedTree;
  let diagnostics: Map<string, string[]>;
  const path = (name: string): string => join(tree.dir, name);

  beforeAll(() => {
    const model = fixtureModel();
    const scaffold = createHandlerStubsEmitter({ serverImport: "../server/index.js" })(model).map((file) => ({ ...file, path: `scaffold/${file.path}` }));
    tree = writeTree([...emitAll(model), ...scaffold], "emit-protocol-typecheck");
    writeFileSync(path("usage.ts"), usage);
    writeFileSync(path("missing-handler.ts"), missingHandler);
    writeFileSync(path("wrong-result.ts"), wrongResult);
    diagnostics = typecheck([...tree.files, path("usage.ts"), path("missing-handler.ts"), path("wrong-result.ts")]);
  });

  afterAll(() => tree?.remove());

  it("the generated tree and the scaffold compile with zero diagnostics", () => {
    const inTree = [...diagnostics.entries()]
      .filter(([file]) => !file.endsWith("missing-handler.ts") && !file.endsWith("wrong-result.ts") && !file.endsWith("usage.ts"))
      .flatMap(([, messages]) => messages);
    expect(inTree).toEqual([]);
    expect(tree.files.some((file) => file.endsWith(join("scaffold", "item-add.ts")))).toBe(true);
  });

  it("typed server and client usage compiles, and every marked misuse is an error", () => {
    expect(diagnostics.get(path("usage.ts")) ?? []).toEqual([]);
  });

  it("a handler object missing one request does not compile, naming the method", () => {
    const messages = diagnostics.get(path("missing-handler.ts")) ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/Property '"item\/list"' is missing/);
  });

  it("a handler returning the wrong result shape does not compile", () => {
    const messages = diagnostics.get(path("wrong-result.ts")) ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/wrong-result\.ts:7: .*not assignable to type 'Promise<ItemListResponse>'/);
  });
});
