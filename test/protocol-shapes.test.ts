/**
 * Issue 11: the output compiles under strict tsc for every protocol shape, and works. A matrix
 * of tiny bundles (test/fixtures/protocol-shapes/) goes through the real loader (derivation
 * included) and every emitter: the mixed MCP-like protocol (anyOf unions of $ref'd variants,
 * const methods, inline and $ref params, optional params, a method in both directions, a null
 * result, EmptyResult via --registry), the same with each of the four directions empty in turn,
 * with no unions at all, and a 2020-12 bundle. Each tree plus typed usage of every direction it
 * has must compile with zero diagnostics; the mixed and 2020-12 trees also run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProtocol } from "../codegen/load/index.js";
import type { ProtocolModel } from "../codegen/model/model.js";
import { emitBundle } from "../codegen/emit/bundle/index.js";
import { emitAll, REPO_ROOT, typecheck, writeTree, type EmittedTree } from "./fixtures/emit-protocol/emit-tree.js";
import { importGenerated, rejectionOf, startLoop, type Handler, type Loop } from "./support/generated-loop.js";

const FIXTURES = join(REPO_ROOT, "test/fixtures/protocol-shapes");
const UNIONS = ["ClientRequest", "ClientNotification", "ServerRequest", "ServerNotification"] as const;
type Union = (typeof UNIONS)[number];

const scratch = mkdtempSync(join(tmpdir(), "protocol-shapes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The mixed bundle without some of its unions, written to a scratch file. */
function mixedWithout(dropped: readonly Union[]): string {
  const bundle = JSON.parse(readFileSync(join(FIXTURES, "mixed.json"), "utf8")) as { definitions: Record<string, unknown> };
  for (const name of dropped) delete bundle.definitions[name];
  const file = join(scratch, `mixed-without-${dropped.join("-") || "nothing"}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}

async function load(schema: string, registry?: string): Promise<{ model: ProtocolModel; warnings: string[] }> {
  const result = await loadProtocol(schema, { cwd: REPO_ROOT, ...(registry === undefined ? {} : { registry }) });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n"));
  return { model: result.model, warnings: result.warnings.map((w) => w.message) };
}

/** Typed usage of each direction the protocol has; `@ts-expect-error` lines must fail to compile. */
function usage(present: ReadonlySet<Union>): string {
  const has = (union: Union): boolean => present.has(union);
  return `
import { createDispatcher, createNotificationSender, methodInfo, type DispatcherHandlers } from "./server/index.js";
import { createClient, createMemoryTransportPair } from "./client/index.js";

export const handlers: DispatcherHandlers<{ user: string }> = {
  requests: {${has("ClientRequest") ? `
    ping: async (params) => {
      const meta: { [key in string]?: unknown } | undefined = params?._meta;
      void meta;
      return {};
    },
    echo: async (params, ctx) => ({ text: params.text + ctx.user }),
    "things/list": async (params) => ({ things: [params?.cursor ?? "first"] }),
    reset: async () => null,` : ""}
  },
  notifications: {${has("ClientNotification") ? `
    "notifications/cancelled": async (params) => void params.requestId,
    "notifications/initialized": async (params) => {
      const none: undefined = params;
      void none;
    },` : ""}
  },
};
export const dispatcher = createDispatcher(handlers, { validateResults: true });
const sender = createNotificationSender(() => undefined, { validate: true });
void [sender, methodInfo];
${has("ServerNotification") ? `sender.notificationsProgress({ progress: 0.5 });
sender.notificationsCancelled({ requestId: "r1", reason: "stop" });
// @ts-expect-error progress is a number
sender.notificationsProgress({ progress: "half" });` : ""}

export async function useClient(): Promise<void> {
  const [end] = createMemoryTransportPair();
  const client = createClient(end, { validateIncoming: true });
  ${has("ClientRequest") ? `await client.request("ping");
  await client.request("ping", { _meta: {} });
  const listed: string[] = (await client.request("things/list")).things;
  await client.request("things/list", { cursor: "c" });
  const echoed: string = (await client.request("echo", { text: "x" })).text;
  const nothing: null = await client.request("reset");
  void [listed, echoed, nothing];
  // @ts-expect-error echo needs its params
  await client.request("echo");` : `// @ts-expect-error the server answers no requests
  await client.request("ping");`}
  ${has("ClientNotification") ? `await client.notify("notifications/initialized");
  await client.notify("notifications/cancelled", { requestId: 7 });
  // @ts-expect-error requestId is required
  await client.notify("notifications/cancelled", {});` : ""}
  ${has("ServerRequest") ? `client.handle("ping", () => ({}));
  client.handle("confirm", (params) => ({ approved: params.prompt !== "" }));
  // @ts-expect-error approved is required
  client.handle("confirm", () => ({}));` : ""}
  ${has("ServerNotification") ? `client.on("notifications/progress", (params) => {
    const progress: number = params.progress;
    void progress;
  });` : ""}
  await client.close();
}
`;
}

interface Shape {
  readonly name: string;
  readonly schema: () => string;
  readonly registry?: string;
  readonly present: ReadonlySet<Union>;
}

const all = new Set<Union>(UNIONS);
const shapes: Shape[] = [
  { name: "mixed (every direction, ping both ways, --registry results)", schema: () => join(FIXTURES, "mixed.json"), registry: join(FIXTURES, "mixed.registry.json"), present: all },
  ...UNIONS.map((union) => ({
    name: `mixed without ${union} (that direction empty)`,
    schema: () => mixedWithout([union]),
    present: new Set(UNIONS.filter((other) => other !== union)),
  })),
  { name: "types only (no unions)", schema: () => mixedWithout([...UNIONS]), present: new Set<Union>() },
];

describe("every protocol shape compiles under strict tsc", () => {
  const trees: EmittedTree[] = [];
  afterAll(() => {
    for (const tree of trees) tree.remove();
  });

  it.each(shapes)("$name", async (shape) => {
    const { model, warnings } = await load(shape.schema(), shape.registry);
    const tree = writeTree([...emitAll(model), ...emitBundle(model)], "protocol-shape");
    trees.push(tree);
    const usagePath = join(tree.dir, "usage.ts");
    writeFileSync(usagePath, usage(shape.present));
    const diagnostics = [...typecheck([...tree.files, usagePath]).values()].flat();
    expect(diagnostics).toEqual([]);
    if (shape.present.size === 0) {
      expect(model.methods).toEqual([]);
      expect(warnings.join("\n")).toMatch(/no methods: none of the unions ClientRequest, ClientNotification, ServerRequest, ServerNotification .*--registry FILE/);
    }
  }, 60_000);
});

describe("the mixed protocol at run time", () => {
  let tree: EmittedTree;
  let loop: Loop;
  const seen: { method: string; params: unknown }[] = [];
  const record = (method: string, answer: (params: unknown) => unknown): Handler => async (params) => {
    seen.push({ method, params });
    return answer(params);
  };

  it("derives the registry: a method in both directions, optional, inline (hoisted) and $ref params, paired results", async () => {
    const { model, warnings } = await load(join(FIXTURES, "mixed.json"), join(FIXTURES, "mixed.registry.json"));
    expect(warnings).toEqual([]);
    expect(model.methods.map((m) => [m.direction, m.kind, m.method, m.params, m.paramsOptional === true, m.result])).toEqual([
      ["clientToServer", "notification", "notifications/cancelled", "CancelledParams", false, null],
      ["clientToServer", "notification", "notifications/initialized", null, false, null],
      ["clientToServer", "request", "echo", "EchoParams", false, "EchoResponse"],
      ["clientToServer", "request", "ping", "PingRequestParams", true, "EmptyResult"],
      ["clientToServer", "request", "reset", null, false, "ResetResult"],
      ["clientToServer", "request", "things/list", "ListThingsRequestParams", true, "ListThingsResult"],
      ["serverToClient", "notification", "notifications/cancelled", "CancelledParams", false, null],
      ["serverToClient", "notification", "notifications/progress", "ProgressNotificationParams", false, null],
      ["serverToClient", "request", "confirm", "ConfirmRequestParams", false, "ConfirmResult"],
      ["serverToClient", "request", "ping", "PingRequestParams", true, "EmptyResult"],
    ]);
    // The hoisted params are a type of their own, and the variant refers to it.
    const ping = model.types.find((type) => type.id === "PingRequest");
    expect((ping?.schema["properties"] as Record<string, unknown>)["params"]).toEqual({ $ref: "#/definitions/PingRequestParams" });
    expect(model.types.find((type) => type.id === "PingRequestParams")?.source).toEqual({ file: "test/fixtures/protocol-shapes/mixed.json", pointer: "/definitions/PingRequest/properties/params" });

    tree = writeTree(emitAll(model), "protocol-shape-run");
    const modules = await importGenerated(tree.dir);
    loop = await startLoop(
      modules,
      {
        requests: {
          ping: record("ping", () => ({})),
          echo: record("echo", (params) => ({ text: (params as { text: string }).text })),
          "things/list": record("things/list", (params) => ({ things: params === undefined ? ["all"] : ["after"] })),
          reset: record("reset", () => null),
        },
        notifications: {},
      },
      { client: { validateIncoming: true } },
    );
  });

  afterAll(async () => {
    await loop?.close();
    tree?.remove();
  });

  it("accepts a request whose optional params are left out, and hands the handler undefined", async () => {
    await expect(loop.client.request("ping")).resolves.toEqual({});
    await expect(loop.client.request("things/list")).resolves.toEqual({ things: ["all"] });
    await expect(loop.client.request("things/list", { cursor: "c" })).resolves.toEqual({ things: ["after"] });
    expect(seen.map((entry) => [entry.method, entry.params])).toEqual([["ping", undefined], ["things/list", undefined], ["things/list", { cursor: "c" }]]);
  });

  it("still validates optional params that are there, and required ones that are missing", async () => {
    expect(await rejectionOf(loop.client.request("ping", { _meta: 1 }))).toMatchObject({ code: -32602, message: "Invalid params for ping: /_meta must be object" });
    expect(await rejectionOf(loop.client.request("echo"))).toMatchObject({ code: -32602, message: "Invalid params for echo: must be object" });
    // The runtime reads `params: null` as absent (serde's Option does; Codex clients rely on it).
    expect(await rejectionOf(loop.client.request("echo", null))).toMatchObject({ code: -32602, message: "Invalid params for echo: must be object" });
    await expect(loop.client.request("ping", null)).resolves.toEqual({});
  });

  it("answers a null result (type: null) and checks it with validateResults", async () => {
    await expect(loop.client.request("reset")).resolves.toBeNull();
    expect(loop.serverErrors).toEqual([]);
  });

  it("serves the method the server sends the other way (ping) on the client, params left out", async () => {
    const pings: unknown[] = [];
    loop.client.handle("ping", (params) => {
      pings.push(params);
      return {};
    });
    await expect(loop.requestClient("ping")).resolves.toEqual({});
    expect(pings).toEqual([undefined]);
    expect(await rejectionOf(loop.requestClient("ping", { _meta: "not an object" }))).toMatchObject({ code: -32602, message: "Invalid params for ping: /_meta must be object" });
  });
});

describe("a JSON Schema 2020-12 bundle", () => {
  let tree: EmittedTree;
  let loop: Loop;
  afterAll(async () => {
    await loop?.close();
    tree?.remove();
  });

  it("loads in the model's draft-07 form ($defs, prefixItems → items, dependentRequired → dependencies, $ref beside keywords → allOf)", async () => {
    const { model, warnings } = await load(join(FIXTURES, "draft-2020-12.json"));
    expect(warnings).toEqual([]);
    const schemaOf = (id: string): Record<string, unknown> | undefined => model.types.find((type) => type.id === id)?.schema;
    expect(model.types.map((type) => type.id)).toEqual(["ClientRequest", "Labels", "ServerNotification", "SumParams", "SumResponse", "Total"]);
    expect((schemaOf("SumParams")?.["properties"] as Record<string, unknown>)["pair"]).toEqual({
      type: "array",
      items: [{ type: "number" }, { type: "number" }],
      additionalItems: false,
      minItems: 2,
      "x-doc": "exactly two numbers",
    });
    expect(schemaOf("SumResponse")).toEqual({ allOf: [{ $ref: "#/definitions/Total" }], required: ["total"], description: "The sum." });
    expect(schemaOf("Labels")?.["dependencies"]).toEqual({ a: ["b"] });
    expect(model.methods.map((m) => [m.method, m.params, m.result])).toEqual([
      ["math/sum", "SumParams", "SumResponse"],
      ["math/overflowed", "Labels", null],
    ]);

    tree = writeTree([...emitAll(model), ...emitBundle(model)], "protocol-shape-2020");
    expect([...typecheck(tree.files).values()].flat()).toEqual([]);
    loop = await startLoop(await importGenerated(tree.dir), {
      requests: { "math/sum": async (params) => ({ total: (params as { pair: [number, number] }).pair.reduce((a, b) => a + b, 0) }) },
      notifications: {},
    });
  }, 60_000);

  it("validates what the 2020-12 keywords say; vendor annotations validate nothing", async () => {
    await expect(loop.client.request("math/sum", { pair: [1, 2] })).resolves.toEqual({ total: 3 });
    expect(await rejectionOf(loop.client.request("math/sum", { pair: [1, 2, 3] }))).toMatchObject({ code: -32602, message: "Invalid params for math/sum: /pair must NOT have more than 2 items" });
    expect(await rejectionOf(loop.client.request("math/sum", { pair: [1] }))).toMatchObject({ code: -32602 });
  });
});
