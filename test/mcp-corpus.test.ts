/**
 * Issue 11's proof on a protocol written by other people: the Model Context Protocol's
 * schema.json, 2025-06-18 (draft-07, inline params) and 2025-11-25 (2020-12, `$defs`, $ref
 * params), through the CLI with no hand edits. Every definition becomes a type, the registry
 * holds every method of the four unions (ping in both directions), the output typechecks
 * strictly, and a generated client calls a generated dispatcher over the in-memory transport
 * with a no-params `ping` and `tools/list`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../codegen/cli/main.js";
import { loadProtocol } from "../codegen/load/index.js";
import type { ProtocolModel } from "../codegen/model/model.js";
import { REPO_ROOT, typecheck } from "./fixtures/emit-protocol/emit-tree.js";
import { importGenerated, rejectionOf, startLoop, type Loop } from "./support/generated-loop.js";

const MCP_DIR = join(REPO_ROOT, "..", "shared", "corpus", "mcp");
const RESULTS_REGISTRY = join(REPO_ROOT, "test/fixtures/mcp/results.registry.json");

interface Version {
  readonly file: string;
  readonly container: "definitions" | "$defs";
  readonly requests: number;
  readonly notifications: number;
}

const versions: Version[] = [
  { file: "mcp-2025-06-18.json", container: "definitions", requests: 17, notifications: 11 },
  { file: "mcp-2025-11-25.json", container: "$defs", requests: 25, notifications: 14 },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The `method` const of every member of a union, as the schema writes it. */
function unionMethods(definitions: Record<string, { anyOf?: { $ref: string }[]; properties?: { method?: { const?: string } } }>, union: string): string[] {
  return (definitions[union]?.anyOf ?? []).map((member) => {
    const name = member.$ref.split("/").pop() ?? "";
    return definitions[name]?.properties?.method?.const ?? `(no method in ${name})`;
  });
}

const usage = `
import { createClient, createMemoryTransportPair } from "./client/index.js";
import type { DispatcherHandlers } from "./server/index.js";
import type { ListToolsResult } from "./types/index.js";

export async function check(): Promise<string[]> {
  const [end] = createMemoryTransportPair();
  const client = createClient(end);
  await client.request("ping");
  const tools: ListToolsResult = await client.request("tools/list");
  await client.request("tools/list", { cursor: "next" });
  await client.request("tools/call", { name: "search", arguments: { q: "x" } });
  // @ts-expect-error tools/call needs its params
  await client.request("tools/call");
  client.handle("ping", () => ({}));
  client.on("notifications/tools/list_changed", () => undefined);
  return tools.tools.map((tool) => tool.name);
}

export const partial: Pick<DispatcherHandlers<unknown>["requests"], "ping" | "tools/list"> = {
  ping: async (params) => ({ ...(params?._meta === undefined ? {} : { _meta: {} }) }),
  "tools/list": async (params) => ({ tools: [], ...(params?.cursor === undefined ? {} : { nextCursor: params.cursor }) }),
};
`;

for (const version of versions) {
  const schemaPath = join(MCP_DIR, version.file);
  describe.skipIf(!existsSync(schemaPath))(`MCP ${version.file} (needs ../shared/corpus/mcp/${version.file})`, () => {
    let out: string;
    let exitCode: number;
    let stderr = "";
    let model: ProtocolModel;
    let loop: Loop | undefined;
    const bundle = existsSync(schemaPath) ? (JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, Record<string, never>>) : {};
    const definitions = bundle[version.container] ?? {};

    beforeAll(async () => {
      mkdirSync(join(REPO_ROOT, "tmp"), { recursive: true });
      out = mkdtempSync(join(REPO_ROOT, "tmp", "mcp-"));
      writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
      exitCode = await main(["--schema", schemaPath, "--out", out], { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: REPO_ROOT });
      const loaded = await loadProtocol(schemaPath, { cwd: REPO_ROOT });
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
      model = loaded.model;
    }, 120_000);
    afterAll(async () => {
      await loop?.close();
      rmSync(out, { recursive: true, force: true });
    });

    it("generates with exit 0; stderr only warns which results MCP does not encode", () => {
      expect(exitCode).toBe(0);
      const lines = stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^warning: .*5 requests have no result type .*: logging\/setLevel \(clientToServer\), ping \(clientToServer\), resources\/subscribe \(clientToServer\), resources\/unsubscribe \(clientToServer\), ping \(serverToClient\); pass --registry FILE/);
    });

    it("makes every definition a type", () => {
      const files = new Set(filesUnder(join(out, "types")).map((file) => relative(join(out, "types"), file)));
      const names = Object.keys(definitions);
      expect(names.length).toBeGreaterThan(90);
      expect(names.filter((name) => !files.has(`${name}.ts`))).toEqual([]);
    });

    it("derives every method of the four unions, ping in both directions", () => {
      const count = (kind: string): number => model.methods.filter((m) => m.kind === kind).length;
      expect([count("request"), count("notification")]).toEqual([version.requests, version.notifications]);
      const derived = (direction: string, kind: string): string[] => model.methods.filter((m) => m.direction === direction && m.kind === kind).map((m) => m.method).sort();
      expect(derived("clientToServer", "request")).toEqual(unionMethods(definitions, "ClientRequest").sort());
      expect(derived("serverToClient", "request")).toEqual(unionMethods(definitions, "ServerRequest").sort());
      expect(derived("clientToServer", "notification")).toEqual(unionMethods(definitions, "ClientNotification").sort());
      expect(derived("serverToClient", "notification")).toEqual(unionMethods(definitions, "ServerNotification").sort());
      expect(model.methods.filter((m) => m.method === "ping").map((m) => [m.direction, m.paramsOptional])).toEqual([
        ["clientToServer", true],
        ["serverToClient", true],
      ]);
      expect(model.methods.find((m) => m.method === "tools/call")).toMatchObject({ params: "CallToolRequestParams", result: "CallToolResult" });
      expect(model.methods.find((m) => m.method === "tools/list")).toMatchObject({ paramsOptional: true, result: "ListToolsResult" });
    });

    it("typechecks strictly, with typed calls against MCP methods", () => {
      const usagePath = join(out, "usage-check.ts");
      writeFileSync(usagePath, usage);
      const diagnostics = [...typecheck([...filesUnder(out).filter((file) => file.endsWith(".ts"))]).values()].flat();
      expect(diagnostics).toEqual([]);
    }, 180_000);

    it("answers a no-params ping and tools/list from a generated dispatcher to a generated client", async () => {
      const seen: unknown[] = [];
      loop = await startLoop(await importGenerated(out), {
        requests: {
          ping: async (params) => {
            seen.push(params);
            return {};
          },
          "tools/list": async (params) => {
            seen.push(params);
            return { tools: [{ name: "search", inputSchema: { type: "object" } }] };
          },
        },
        notifications: {},
      }, { client: { validateIncoming: true } });
      await expect(loop.client.request("ping")).resolves.toEqual({});
      await expect(loop.client.request("tools/list")).resolves.toEqual({ tools: [{ name: "search", inputSchema: { type: "object" } }] });
      expect(seen).toEqual([undefined, undefined]);
      expect(await rejectionOf(loop.client.request("tools/list", { cursor: 5 }))).toMatchObject({ code: -32602, message: "Invalid params for tools/list: /cursor must be string" });
      expect(loop.serverErrors).toEqual([]);
    });

    it("writes a bundle (schema/protocol.schemas.json, draft-07, x-protocol) that loads back to the same model", async () => {
      const written = join(out, "schema", "protocol.schemas.json");
      const again = await loadProtocol(written, { cwd: REPO_ROOT });
      if (!again.ok) throw new Error(again.errors.map((e) => e.message).join("\n"));
      const comparable = (m: ProtocolModel): unknown => ({
        types: m.types.map(({ id, schema }) => ({ id, schema })),
        methods: m.methods.map(({ source: _source, ...method }) => method),
      });
      expect(comparable(again.model)).toEqual(comparable(model));
    });

    it("takes the results MCP leaves implicit from --registry, and then warns about nothing", async () => {
      const loaded = await loadProtocol(schemaPath, { cwd: REPO_ROOT, registry: RESULTS_REGISTRY });
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      expect(loaded.warnings).toEqual([]);
      expect(loaded.model.methods.filter((m) => m.method === "ping").map((m) => [m.direction, m.params, m.result])).toEqual(
        model.methods.filter((m) => m.method === "ping").map((m) => [m.direction, m.params, "EmptyResult"]),
      );
    });
  });
}
