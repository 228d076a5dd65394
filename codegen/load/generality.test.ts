/**
 * The loader on protocols other than Codex's (issue 11): both dialects, annotation and
 * unhonoured keywords, registry derivation for the common union shapes, `--registry`, the
 * built-in registry meta-schema, and "never silently empty".
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MethodSpec, ProtocolModel } from "../model/model.js";
import { loadProtocol, type LoadResult } from "./index.js";

let tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  tempDirs = [];
});

/** A scratch folder holding `files` (path → JSON value). */
async function scratch(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "codegen-generality-"));
  tempDirs.push(dir);
  for (const [relative, value] of Object.entries(files)) {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, JSON.stringify(value, null, 2));
  }
  return dir;
}

async function loadBundle(bundle: unknown, registry?: unknown): Promise<LoadResult> {
  const dir = await scratch({ "bundle.json": bundle, ...(registry === undefined ? {} : { "registry.json": registry }) });
  return loadProtocol("bundle.json", { cwd: dir, ...(registry === undefined ? {} : { registry: "registry.json" }) });
}

function ok(result: LoadResult): { model: ProtocolModel; warnings: string[] } {
  if (!result.ok) throw new Error(`expected the schema to load:\n${result.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n")}`);
  return { model: result.model, warnings: result.warnings.map((w) => `${w.file}#${w.pointer}: ${w.message}`) };
}

function errorsOf(result: LoadResult): string[] {
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`);
}

const brief = (spec: MethodSpec): string =>
  `${spec.direction} ${spec.kind} ${spec.method} params=${spec.params}${spec.paramsOptional ? "?" : ""} result=${spec.result}`;

const request = (method: unknown, params?: unknown, required = ["method", "params"]): Record<string, unknown> => ({
  type: "object",
  properties: { method, ...(params === undefined ? {} : { params }) },
  required,
});

describe("dialects", () => {
  it("reads a 2020-12 schema directory: local $defs fragments, prefixItems, dependentSchemas", async () => {
    const dir = await scratch({
      "protocol.json": { name: "p", version: "1", requests: [], notifications: [] },
      "Point.json": {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "array",
        prefixItems: [{ $ref: "#/$defs/Coordinate" }, { $ref: "#/$defs/Coordinate" }],
        dependentSchemas: { x: { required: ["y"] } },
        $defs: { Coordinate: { type: "number" } },
      },
    });
    const { model } = ok(await loadProtocol(".", { cwd: dir }));
    expect(model.types[0]?.schema).toEqual({ type: "array", items: [{ type: "number" }, { type: "number" }], dependencies: { x: { required: ["y"] } } });
  });

  it("keeps draft-07's $ref siblings by moving the $ref into allOf, annotations stay beside it", async () => {
    const { model } = ok(
      await loadBundle({
        definitions: {
          Base: { type: "object", properties: { a: { type: "string" } } },
          Narrow: { $ref: "#/definitions/Base", required: ["a"], description: "A Base with a." },
          Alias: { $ref: "#/definitions/Base", description: "Just a Base." },
        },
      }),
    );
    const schema = (id: string): unknown => model.types.find((type) => type.id === id)?.schema;
    expect(schema("Narrow")).toEqual({ allOf: [{ $ref: "#/definitions/Base" }], required: ["a"], description: "A Base with a." });
    expect(schema("Alias")).toEqual({ $ref: "#/definitions/Base", description: "Just a Base." });
  });

  it("refuses a type that is in both definitions and $defs", async () => {
    expect(errorsOf(await loadBundle({ definitions: { A: { type: "string" } }, $defs: { A: { type: "number" } } }))).toEqual([
      'bundle.json#/$defs/A: two definitions claim the type "A": this one and bundle.json#/definitions/A; keep one (types live in `definitions` or `$defs`, not both)',
    ]);
  });

  it("refuses a $schema it does not read on a definition, naming its pointer", async () => {
    const errors = errorsOf(await loadBundle({ definitions: { A: { $schema: "https://json-schema.org/draft/2019-09/schema", type: "string" } } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bundle\.json#\/definitions\/A\/\$schema: unsupported \$schema .*draft-07.*2020-12/);
  });
});

describe("keywords", () => {
  it("keeps annotation keywords (x-…, _enum, enumDescriptions) without a word, and warns about a near miss", async () => {
    const { model, warnings } = ok(
      await loadBundle({
        definitions: {
          Level: { type: "string", enum: ["a", "b"], enumDescriptions: ["A", "B"], _enum: ["a"], "x-order": 1 },
          Thing: { type: "object", properties: { id: { type: "string" } }, requried: ["id"], Description: "thing" },
        },
      }),
    );
    expect(model.types.find((type) => type.id === "Level")?.schema).toMatchObject({ enumDescriptions: ["A", "B"], "x-order": 1 });
    expect(warnings.filter((w) => !w.startsWith("bundle.json#: no methods"))).toEqual([
      'bundle.json#/definitions/Thing/Description: "Description" is not a JSON Schema keyword, so it validates nothing (kept as an annotation); did you mean "description"?',
      'bundle.json#/definitions/Thing/requried: "requried" is not a JSON Schema keyword, so it validates nothing (kept as an annotation); did you mean "required"?',
    ]);
  });

  it("warns about keywords JSON Schema ignores where they stand", async () => {
    const { warnings } = ok(await loadBundle({ definitions: { A: { type: "string", then: { minLength: 1 } } } }));
    expect(warnings).toContain('bundle.json#/definitions/A/then: "then" without "if" validates nothing; add the "if" or remove it');
  });

  it("refuses validation keywords it cannot honour, each at its pointer", async () => {
    const errors = errorsOf(
      await loadBundle({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $defs: { A: { type: "array", minContains: 1, contains: { type: "string" } }, B: { $dynamicRef: "#node" } },
      }),
    );
    expect(errors.map((e) => e.split(": ")[0])).toEqual(["bundle.json#/$defs/A/minContains", "bundle.json#/$defs/B/$dynamicRef"]);
  });
});

describe("registry derivation", () => {
  it("reads oneOf or anyOf unions of inline or $ref variants, const or one-value enum methods", async () => {
    const { model } = ok(
      await loadBundle({
        definitions: {
          ClientRequest: { anyOf: [{ $ref: "#/definitions/GetRequest" }, request({ enum: ["thing/put"] }, { $ref: "#/definitions/PutParams" })] },
          ServerNotification: { oneOf: [request({ const: "thing/changed" }, { type: "null" })] },
          GetRequest: request({ const: "thing/get", type: "string" }, { $ref: "#/definitions/GetParams" }),
          GetParams: { type: "object" },
          GetResult: { type: "string" },
          PutParams: { type: "object" },
          PutResponse: { type: "boolean" },
        },
      }),
    );
    expect(model.methods.map(brief)).toEqual([
      "clientToServer request thing/get params=GetParams result=GetResult",
      "clientToServer request thing/put params=PutParams result=PutResponse",
      "serverToClient notification thing/changed params=null result=null",
    ]);
  });

  it("merges a variant's allOf branches (a base Request plus its method), and gives each enum value a method", async () => {
    const { model } = ok(
      await loadBundle({
        definitions: {
          Request: { type: "object", properties: { id: { type: "integer" }, params: { type: "object" } }, required: ["id"] },
          ClientRequest: {
            oneOf: [{ allOf: [{ $ref: "#/definitions/Request" }, { properties: { method: { const: "a/b" } }, required: ["method"] }] }, request({ enum: ["x", "y"] }, { $ref: "#/definitions/Same" })],
          },
          Same: { type: "object" },
        },
      }),
    );
    expect(model.methods.map(brief)).toEqual([
      "clientToServer request a/b params=ABRequestParams? result=null",
      "clientToServer request x params=Same result=null",
      "clientToServer request y params=Same result=null",
    ]);
  });

  it("hoists inline params into <Variant>Params (the title, else the method in PascalCase), reusing an equal type and refusing a different one", async () => {
    const { model, warnings } = ok(
      await loadBundle({
        definitions: {
          ClientRequest: {
            oneOf: [
              request({ const: "tools/list_all" }, { type: "object", properties: { cursor: { type: "string" } } }, ["method"]),
              { title: "Echo", ...request({ const: "echo" }, { type: "object", properties: { text: { type: "string" } } }) },
              { title: "Clash", ...request({ const: "clash" }, { type: "object", properties: { n: { type: "number" } } }) },
            ],
          },
          EchoParams: { type: "object", properties: { text: { type: "string" } } },
          ClashParams: { type: "string" },
        },
      }),
    );
    expect(model.methods.map(brief)).toEqual([
      "clientToServer request echo params=EchoParams result=null",
      "clientToServer request tools/list_all params=ToolsListAllRequestParams? result=null",
    ]);
    const union = model.types.find((type) => type.id === "ClientRequest")?.schema as { oneOf: Array<{ properties: { params: unknown } }> };
    expect(union.oneOf.map((variant) => variant.properties.params)).toEqual([
      { $ref: "#/definitions/ToolsListAllRequestParams" },
      { $ref: "#/definitions/EchoParams" },
      { type: "object", properties: { n: { type: "number" } } },
    ]);
    expect(warnings).toContainEqual(expect.stringMatching(/^bundle\.json#\/definitions\/ClientRequest\/oneOf\/2\/properties\/params: the inline params of "clash" would become the type ClashParams, but .* already defines a different ClashParams; "clash" was skipped/));
  });

  it("skips a variant whose method it cannot read, saying so, and still derives the others", async () => {
    const { model, warnings } = ok(
      await loadBundle({ definitions: { ClientNotification: { anyOf: [request({ type: "string" }), request({ const: "ok" }, undefined, ["method"])] } } }),
    );
    expect(model.methods.map((m) => m.method)).toEqual(["ok"]);
    expect(warnings).toEqual([
      'bundle.json#/definitions/ClientNotification/anyOf/0: cannot tell which method this ClientNotification variant is (expected properties.method to be {"const": "name"} or {"enum": ["name"]}); skipped, name it with --registry',
    ]);
  });

  it("lets a method exist in both directions, but not twice in one, nor as two kinds", async () => {
    const both = ok(
      await loadBundle({ definitions: { ClientRequest: { anyOf: [{ $ref: "#/definitions/Ping" }] }, ServerRequest: { anyOf: [{ $ref: "#/definitions/Ping" }] }, Ping: request({ const: "ping" }) } }),
    );
    expect(both.model.methods.map(brief)).toEqual(["clientToServer request ping params=null result=null", "serverToClient request ping params=null result=null"]);

    const twice = errorsOf(await loadBundle({ definitions: { ClientRequest: { anyOf: [request({ const: "a" }), request({ const: "a" })] } } }));
    expect(twice).toEqual([expect.stringMatching(/^bundle\.json#\/definitions\/ClientRequest\/anyOf\/1\/method: duplicate method "a" \(clientToServer\)/)]);

    const kinds = errorsOf(await loadBundle({ definitions: { ClientRequest: { anyOf: [request({ const: "a" })] }, ServerNotification: { anyOf: [request({ const: "a" })] } } }));
    expect(kinds).toEqual([expect.stringMatching(/"a" exists in both directions with a different kind/)]);
  });

  it("is never silently empty: types without methods load with a warning that says how to add them", async () => {
    const { model, warnings } = ok(await loadBundle({ definitions: { Thing: { type: "string" } } }));
    expect(model.methods).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/^bundle\.json#: no methods: none of the unions ClientRequest, ClientNotification, ServerRequest, ServerNotification .* pass --registry FILE/),
    ]);
  });
});

describe("--registry", () => {
  const bundle = {
    definitions: {
      ClientRequest: { anyOf: [request({ const: "get" }, { $ref: "#/definitions/GetArgs" }, ["method"])] },
      GetArgs: { type: "object" },
      Answer: { type: "string" },
      Note: { type: "object" },
    },
  };

  it("completes a derived method with only what it names, and adds new ones", async () => {
    const { model, warnings } = ok(
      await loadBundle(bundle, {
        requests: [{ method: "get", messageDirection: "clientToServer", result: "Answer", description: "Gets." }],
        notifications: [{ method: "note", messageDirection: "serverToClient", params: "Note", paramsOptional: true }],
      }),
    );
    expect(warnings).toEqual([]);
    expect(model.methods.map(brief)).toEqual(["clientToServer request get params=GetArgs? result=Answer", "serverToClient notification note params=Note? result=null"]);
    expect(model.methods[0]).toMatchObject({ description: "Gets.", since: "upstream", source: { file: "registry.json", pointer: "/requests/0" } });
  });

  it("reports a registry file that cannot be read", async () => {
    const dir = await scratch({ "bundle.json": bundle });
    expect(errorsOf(await loadProtocol("bundle.json", { cwd: dir, registry: "missing.json" }))).toEqual([expect.stringMatching(/^missing\.json#: /)]);
  });

  it("overrides a directory's protocol.json too", async () => {
    const dir = await scratch({
      "schema/protocol.json": { name: "p", version: "1", requests: [{ method: "get", messageDirection: "clientToServer", params: "Args", result: "Args", experimental: false, since: "1", description: "d" }], notifications: [] },
      "schema/Args.json": { type: "object" },
      "schema/Answer.json": { type: "string" },
      "override.json": { requests: [{ method: "get", messageDirection: "clientToServer", result: "Answer", paramsOptional: true }] },
    });
    const { model } = ok(await loadProtocol("schema", { cwd: dir, registry: "override.json" }));
    expect(model.methods.map(brief)).toEqual(["clientToServer request get params=Args? result=Answer"]);
  });
});

describe("the built-in registry meta-schema", () => {
  it("checks a protocol.json without $schema, so a new protocol folder needs no copy of it", async () => {
    const good = await scratch({
      "protocol.json": { name: "p", version: "1", requests: [], notifications: [{ method: "hi", messageDirection: "serverToClient", params: null, experimental: false, since: "1", description: "Hi." }] },
      "Thing.json": { type: "string" },
    });
    expect(ok(await loadProtocol(".", { cwd: good })).model.methods.map((m) => m.method)).toEqual(["hi"]);

    const bad = await scratch({ "protocol.json": { name: "p", version: "1", requests: [], notifications: [{ method: "hi" }] }, "Thing.json": { type: "string" } });
    expect(errorsOf(await loadProtocol(".", { cwd: bad }))).toEqual([
      expect.stringMatching(/^protocol\.json#\/notifications\/0: does not match the built-in registry meta-schema: must have required property 'messageDirection'/),
    ]);
  });
});
