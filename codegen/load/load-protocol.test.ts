import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { JsonSchemaObject, ProtocolModel } from "../model/model.js";
import { forEachSchemaObject } from "./schema-walk.js";
import { loadProtocol, type LoadResult } from "./index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sharedRoot = path.resolve(repoRoot, "../shared");
const seedPath = path.join(sharedRoot, "seed/ThreadQueueChangedNotification.json");
const corpusDir = path.join(sharedRoot, "corpus/codex-app-server-protocol");
const corpusBundle = path.join(corpusDir, "codex_app_server_protocol.schemas.json");
const corpusFlatBundle = path.join(corpusDir, "codex_app_server_protocol.v2.schemas.json");
const projectRegistry = path.join(repoRoot, "schema/protocol.json");

function loaded(result: LoadResult): ProtocolModel {
  if (!result.ok) throw new Error(`expected the schema to load:\n${result.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n")}`);
  return result.model;
}

/** The model contract: every $ref is the normal form and names a type of the model. */
function expectNormalFormRefs(model: ProtocolModel): void {
  const ids = new Set(model.types.map((type) => type.id));
  const bad: string[] = [];
  for (const type of model.types) {
    forEachSchemaObject(type.schema, "", (node, pointer) => {
      const ref = node["$ref"];
      if (ref === undefined) return;
      const id = typeof ref === "string" && ref.startsWith("#/definitions/") ? ref.slice("#/definitions/".length) : undefined;
      if (id === undefined || !ids.has(id)) bad.push(`${type.id}${pointer}: ${String(ref)}`);
    });
  }
  expect(bad).toEqual([]);
}

function countByNamespace(model: ProtocolModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of model.types) {
    const key = type.namespace.join("/") || "(root)";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function countMethods(model: ProtocolModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const method of model.methods) {
    const key = `${method.direction} ${method.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

let tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  tempDirs = [];
});

/** A scratch schema directory: files given as path → JSON value (strings written verbatim). */
async function scratchSchema(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "codegen-load-"));
  tempDirs.push(dir);
  for (const [relative, value] of Object.entries(files)) {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, typeof value === "string" ? value : JSON.stringify(value, null, 2));
  }
  return dir;
}

const metaSchemaRef = path.join(repoRoot, "test/fixtures/mini-schema/protocol.schema.json");
function registry(notifications: unknown[] = [], requests: unknown[] = []): unknown {
  return { $schema: metaSchemaRef, name: "t", version: "1", requests, notifications };
}

describe("schema directory (test/fixtures/mini-schema)", () => {
  it("loads every file as a type with normal-form refs, sorted ids and sorted methods", async () => {
    const model = loaded(await loadProtocol("test/fixtures/mini-schema", { cwd: repoRoot }));
    expect(model.sourceLabel).toBe("test/fixtures/mini-schema");
    expect(model.types.map((type) => type.id)).toEqual([
      "ClientInfo",
      "InitializeParams",
      "InitializeResponse",
      "v2/Note",
      "v2/NoteAddParams",
      "v2/NoteAddResponse",
      "v2/NoteStatus",
      "v2/NoteText",
      "v2/NotesChangedNotification",
    ]);
    expectNormalFormRefs(model);
    const note = model.types.find((type) => type.id === "v2/Note");
    expect(note?.namespace).toEqual(["v2"]);
    expect(note?.name).toBe("Note");
    expect(note?.source).toEqual({ file: "test/fixtures/mini-schema/v2/Note.json", pointer: "" });
    expect(note?.schema["$schema"]).toBeUndefined();
    expect((note?.schema["properties"] as Record<string, JsonSchemaObject>)["author"]).toEqual({
      anyOf: [{ $ref: "#/definitions/ClientInfo" }, { type: "null" }],
    });
    expect(model.methods.map((m) => `${m.direction} ${m.kind} ${m.method}`)).toEqual([
      "clientToServer notification initialized",
      "clientToServer request initialize",
      "clientToServer request note/add",
      "serverToClient notification notes/changed",
    ]);
    expect(model.methods.find((m) => m.method === "note/add")).toMatchObject({
      params: "v2/NoteAddParams",
      result: "v2/NoteAddResponse",
      experimental: true,
      source: { file: "test/fixtures/mini-schema/protocol.json", pointer: "/requests/1" },
    });
    expect(model.methods.find((m) => m.method === "initialized")?.params).toBeNull();
  });

  it("inlines a ref to a fragment of another file, keeping the alias's annotations", async () => {
    const model = loaded(await loadProtocol("test/fixtures/mini-schema", { cwd: repoRoot }));
    expect(model.types.find((type) => type.id === "v2/NoteText")?.schema).toEqual({
      title: "NoteText",
      description: "An alias: the text of a note, as the note stores it.",
      type: "string",
    });
  });

  it("gives the same model on every load (byte-identical output depends on it)", async () => {
    const first = loaded(await loadProtocol("test/fixtures/mini-schema", { cwd: repoRoot }));
    const second = loaded(await loadProtocol(path.join(repoRoot, "test/fixtures/mini-schema"), { cwd: repoRoot }));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("inlines local #/definitions refs and drops the definitions", async () => {
    const dir = await scratchSchema({
      "protocol.json": registry([{ method: "a/b", messageDirection: "serverToClient", params: "Box", experimental: false, since: "1", description: "d" }]),
      "Box.json": {
        title: "Box",
        definitions: { Size: { type: "integer", format: "uint16" } },
        properties: { width: { $ref: "#/definitions/Size" }, height: { description: "tall", $ref: "#/definitions/Size" } },
        type: "object",
      },
    });
    const model = loaded(await loadProtocol(dir, { cwd: dir }));
    expect(model.types[0]?.schema).toEqual({
      title: "Box",
      properties: {
        width: { type: "integer", format: "uint16" },
        height: { description: "tall", type: "integer", format: "uint16" },
      },
      type: "object",
    });
  });

  it("keeps non-annotation keywords beside an inlined ref with allOf (no change of meaning)", async () => {
    const dir = await scratchSchema({
      "protocol.json": registry(),
      "Open.json": { title: "Open", definitions: { Base: { properties: { a: { type: "string" } } } }, $ref: "#/definitions/Base", additionalProperties: false },
    });
    const model = loaded(await loadProtocol(dir, { cwd: dir }));
    expect(model.types[0]?.schema).toEqual({
      title: "Open",
      additionalProperties: false,
      allOf: [{ properties: { a: { type: "string" } } }],
    });
  });

  it("collects every error at once, each with file and pointer, sorted", async () => {
    const dir = await scratchSchema({
      "protocol.json": registry([{ method: "x", messageDirection: "serverToClient", params: "v2/Nope", experimental: false, since: "1", description: "d" }]),
      "v2/A.json": { title: "A", properties: { n: { type: "integer", format: "uint128" } } },
      "v2/B.json": { title: "B", properties: { a: { $ref: "./Missing.json" } } },
    });
    const result = await loadProtocol(".", { cwd: dir });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.file}#${e.pointer}`)).toEqual([
      "protocol.json#/notifications/0/params",
      "v2/A.json#/properties/n/format",
      "v2/B.json#/properties/a/$ref",
    ]);
  });

  it("uses a registry meta-schema identical to the project's and the built-in one (no copy may drift)", async () => {
    const fixture = await readFile(path.join(repoRoot, "test/fixtures/mini-schema/protocol.schema.json"), "utf8");
    const project = await readFile(path.join(repoRoot, "schema/protocol.schema.json"), "utf8");
    const builtIn = await readFile(path.join(repoRoot, "codegen/load/registry-meta-schema.json"), "utf8");
    expect(JSON.parse(fixture)).toEqual(JSON.parse(project));
    expect(JSON.parse(builtIn)).toEqual(JSON.parse(project));
  });

  it("reports a schema path that does not exist", async () => {
    const result = await loadProtocol("no/such/schema", { cwd: repoRoot });
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ file: "no/such/schema", pointer: "" })],
    });
  });

  it("rejects a type id that differs from another only in letter case", async () => {
    const dir = await scratchSchema({ "protocol.json": registry(), "v2/Item.json": { title: "Item" }, "V2/Item.json": { title: "Item" } });
    const result = await loadProtocol(dir, { cwd: dir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.some((e) => e.message.includes("only in letter case"))).toBe(true);
  });
});

describe("bundle file", () => {
  it("uses x-protocol as the registry and namespaces from nested definitions", async () => {
    const dir = await scratchSchema({
      "bundle.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        definitions: {
          Hello: { type: "object", properties: { item: { $ref: "#/definitions/v2/Item" } } },
          v2: { Item: { type: "string" }, ItemList: { type: "array", items: { $ref: "#/definitions/v2/Item" } } },
        },
        "x-protocol": {
          requests: [{ method: "hello", messageDirection: "clientToServer", params: "Hello", result: "v2/ItemList", experimental: true, since: "2", description: "Says hello." }],
          notifications: [],
        },
      },
    });
    const model = loaded(await loadProtocol("bundle.json", { cwd: dir }));
    expect(model.sourceLabel).toBe("bundle.json");
    expect(model.types.map((type) => type.id)).toEqual(["Hello", "v2/Item", "v2/ItemList"]);
    expect(model.types[1]?.source).toEqual({ file: "bundle.json", pointer: "/definitions/v2/Item" });
    expect(model.methods).toEqual([
      {
        method: "hello",
        kind: "request",
        direction: "clientToServer",
        params: "Hello",
        result: "v2/ItemList",
        experimental: true,
        since: "2",
        description: "Says hello.",
        source: { file: "bundle.json", pointer: "/x-protocol/requests/0" },
      },
    ]);
    expectNormalFormRefs(model);
  });

  it("reports a malformed x-protocol entry at its pointer", async () => {
    const dir = await scratchSchema({
      "bundle.json": { definitions: { A: { type: "string" } }, "x-protocol": { requests: [{ method: "a", params: "A" }], notifications: [] } },
    });
    const result = await loadProtocol("bundle.json", { cwd: dir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.pointer)).toContain("/x-protocol/requests/0/messageDirection");
  });

  it("derives requests, params and paired results from upstream-style unions", async () => {
    const dir = await scratchSchema({
      "bundle.json": {
        definitions: {
          ClientRequest: {
            oneOf: [
              { description: "Gets a thing.", properties: { method: { enum: ["thing/get"] }, params: { $ref: "#/definitions/v2/ThingGetParams" } } },
              { properties: { method: { enum: ["thing/ping"] }, params: { type: "null" } } },
              { properties: { method: { enum: ["thing/maybe"] }, params: { anyOf: [{ $ref: "#/definitions/v2/ThingMaybeParams" }, { type: "null" }] } } },
            ],
          },
          v2: {
            ThingGetParams: { type: "object" },
            ThingGetResponse: { type: "string" },
            ThingMaybeParams: { type: "object", properties: { a: { type: "string" } } },
            ThingMaybeResponse: { type: "integer" },
            NullableThingMaybeParams: { title: "Nullable_ThingMaybeParams", anyOf: [{ $ref: "#/definitions/v2/ThingMaybeParams" }, { type: "null" }] },
          },
        },
      },
    });
    const model = loaded(await loadProtocol("bundle.json", { cwd: dir }));
    expect(model.methods.map(({ method, params, result, since, description, experimental }) => ({ method, params, result, since, description, experimental }))).toEqual([
      { method: "thing/get", params: "v2/ThingGetParams", result: "v2/ThingGetResponse", since: "upstream", description: "Gets a thing.", experimental: false },
      { method: "thing/maybe", params: "v2/NullableThingMaybeParams", result: "v2/ThingMaybeResponse", since: "upstream", description: "", experimental: false },
      { method: "thing/ping", params: null, result: null, since: "upstream", description: "", experimental: false },
    ]);
  });

  it("rejects a bundle root that claims the name of a different definition", async () => {
    const dir = await scratchSchema({
      "bundle.json": { title: "A", properties: { x: { type: "string" } }, definitions: { A: { type: "number" } } },
    });
    const result = await loadProtocol("bundle.json", { cwd: dir });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ file: "bundle.json", pointer: "/title" });
  });

  describe.skipIf(!existsSync(seedPath))("seed bundle (needs ../shared/seed/ThreadQueueChangedNotification.json)", () => {
    it("loads the 22 definitions plus the root notification as 23 root types, with no methods", async () => {
      const model = loaded(await loadProtocol(seedPath, { cwd: repoRoot }));
      expect(model.types).toHaveLength(23);
      expect(countByNamespace(model)).toEqual({ "(root)": 23 });
      expect(model.types.map((type) => type.id)).toContain("ThreadQueueChangedNotification");
      expect(model.methods).toEqual([]);
      expect(model.sourceLabel).toBe("../shared/seed/ThreadQueueChangedNotification.json");
      expectNormalFormRefs(model);
    });
  });

  describe.skipIf(!existsSync(corpusBundle))("upstream corpus (needs ../shared/corpus/codex-app-server-protocol)", () => {
    it("loads 82 root and 585 v2 types and derives the registry from the four unions", async () => {
      const model = loaded(await loadProtocol(corpusBundle, { cwd: repoRoot }));
      expect(countByNamespace(model)).toEqual({ "(root)": 82, v2: 585 });
      expectNormalFormRefs(model);

      const bundle = JSON.parse(await readFile(corpusBundle, "utf8")) as { definitions: Record<string, { oneOf: unknown[] }> };
      const unionSize = (name: string): number => bundle.definitions[name]?.oneOf.length ?? 0;
      expect(countMethods(model)).toEqual({
        "clientToServer request": 95,
        "clientToServer notification": unionSize("ClientNotification"),
        "serverToClient request": unionSize("ServerRequest"),
        "serverToClient notification": unionSize("ServerNotification"),
      });
      expect(model.methods.find((m) => m.method === "initialize")).toMatchObject({
        params: "InitializeParams",
        result: "InitializeResponse",
        since: "upstream",
        experimental: false,
      });
      for (const method of model.methods) {
        if (method.result !== null) expect(model.types.some((type) => type.id === method.result)).toBe(true);
      }
    });

    it("loads the flat v2 bundle too", async () => {
      const model = loaded(await loadProtocol(corpusFlatBundle, { cwd: repoRoot }));
      expect(model.types.length).toBeGreaterThan(590);
      expectNormalFormRefs(model);
    });
  });
});

describe.skipIf(!existsSync(projectRegistry))("project schema (needs schema/protocol.json)", () => {
  it("loads without errors, with every registry type present", async () => {
    const model = loaded(await loadProtocol("schema", { cwd: repoRoot }));
    expect(model.sourceLabel).toBe("schema");
    expect(model.methods.map((m) => m.method)).toContain("thread/queue/add");
    expect(model.types.map((t) => t.id)).toContain("v2/QueuedTurn");
    expectNormalFormRefs(model);
  });
});
