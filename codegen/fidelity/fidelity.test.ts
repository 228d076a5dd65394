/**
 * The fidelity comparison on small hand-written cases: what counts as equal (only bigint and
 * optional/nullable are forgiven), and which category and schema pointer each kind of
 * difference gets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonSchemaObject, NamedType } from "../model/model.js";
import { modelOf, namedType, ref, writeGeneratedFiles } from "../emit/types/test-support.js";
import { runFidelityCommand } from "./command.js";
import { normaliseSource } from "./normalise.js";
import { fidelityReport, type FidelityReport } from "./report.js";
import type { TypeSourceFile } from "./reference.js";

const bundle = "bundle.json";

/** A type as the loader reads it from a bundle: its pointer is where the report points. */
function bundled(id: string, schema: JsonSchemaObject): NamedType {
  return { ...namedType(id, schema), source: { file: bundle, pointer: `/definitions/${id}` } };
}

/** A ts-rs file: `export type <Name> = <body>;` with the imports ts-rs writes (no extension). */
function tsrs(id: string, body: string, imports: Record<string, string> = {}): TypeSourceFile {
  const name = id.slice(id.lastIndexOf("/") + 1);
  const lines = Object.entries(imports).map(([imported, from]) => `import type { ${imported} } from "${from}";`);
  return { path: `${id}.ts`, contents: `${lines.join("\n")}\nexport type ${name} = ${body};\n` };
}

function report(types: NamedType[], reference: TypeSourceFile[]): FidelityReport {
  return fidelityReport({ model: modelOf(types, bundle), reference, referenceLabel: "ts" });
}

function findingsOf(result: FidelityReport, id: string) {
  return result.differing.find((type) => type.reference === id);
}

describe("normaliseSource", () => {
  it("turns bigint into number and every optional or nullable property into k?: T | null", () => {
    const text = normaliseSource("a.ts", "export type A = { a: bigint, b: string | null, c?: number, d?: boolean | null, e: string };");
    expect(text).toContain("a: number;");
    expect(text).toContain("b?: string | null;");
    expect(text).toContain("c?: number | null;");
    expect(text).toContain("d?: boolean | null;");
    expect(text).toContain("e: string;");
  });
});

describe("fidelityReport", () => {
  it("counts a type equal when only bigint and optional/nullable differ", () => {
    const result = report(
      [
        bundled("v2/Turn", {
          type: "object",
          properties: { id: { type: "string" }, count: { type: "integer", format: "int64" }, note: { type: ["string", "null"] } },
          required: ["id", "count"],
        }),
      ],
      [tsrs("v2/Turn", "{ id: string, count: bigint, note: string | null, }")],
    );
    expect(result.namespaces).toEqual([{ namespace: "v2", equal: 1, differing: 0, missing: 0, percent: 100 }]);
    expect(result.differing).toEqual([]);
  });

  it("does not forgive a required field that ts-rs makes optional without null", () => {
    const result = report(
      [bundled("v2/Turn", { type: "object", properties: { id: { type: "string" } }, required: ["id"] })],
      [tsrs("v2/Turn", "{ id?: string, }")],
    );
    expect(findingsOf(result, "v2/Turn")?.findings).toEqual([
      expect.objectContaining({ category: "optionality", pointer: "/definitions/v2/Turn/properties/id", location: "bundle.json#/definitions/v2/Turn/properties/id" }),
    ]);
  });

  it("names a renamed property at its schema pointer", () => {
    const result = report(
      [
        bundled("v2/Login", {
          anyOf: [
            { type: "object", properties: { sessions: { type: "array", items: { type: "string" } } }, required: ["sessions"] },
            { type: "object", properties: { auth_url: { type: "string" } }, required: ["auth_url"] },
          ],
        }),
      ],
      [tsrs("v2/Login", "{ sessions: Array<string>, } | { authUrl: string, }")],
    );
    expect(findingsOf(result, "v2/Login")?.findings).toEqual([
      { category: "property-name", pointer: "/definitions/v2/Login/anyOf/1/properties/auth_url", location: "bundle.json#/definitions/v2/Login/anyOf/1/properties/auth_url", schema: "auth_url", reference: "authUrl" },
    ]);
  });

  it("names a tag spelled differently at its enum entry", () => {
    const result = report(
      [
        bundled("v2/Action", {
          oneOf: [
            { type: "object", properties: { type: { type: "string", enum: ["search"] } }, required: ["type"] },
            { type: "object", properties: { type: { type: "string", enum: ["openPage"] }, url: { type: "string" } }, required: ["type", "url"] },
          ],
        }),
      ],
      [tsrs("v2/Action", '{ "type": "search" } | { "type": "open_page", url: string, }')],
    );
    expect(findingsOf(result, "v2/Action")?.findings).toEqual([
      expect.objectContaining({ category: "literal", pointer: "/definitions/v2/Action/oneOf/1/properties/type/enum/0", schema: '"openPage"', reference: '"open_page"' }),
    ]);
  });

  it("names a defaulted field that ts-rs marks optional", () => {
    const result = report(
      [bundled("v2/Voices", { type: "object", properties: { v3: { type: "array", items: { type: "string" }, default: [] } } })],
      [tsrs("v2/Voices", "{ v3?: Array<string>, }")],
    );
    expect(findingsOf(result, "v2/Voices")?.findings).toEqual([
      expect.objectContaining({ category: "optionality", pointer: "/definitions/v2/Voices/properties/v3", reference: "v3?" }),
    ]);
  });

  it("names a hand-written ts-rs type as a type difference, and variants only one side has", () => {
    const result = report(
      [
        bundled("v2/Item", { type: "object", properties: { tools: { type: "array", items: true } }, required: ["tools"] }),
        bundled("v2/Source", { oneOf: [{ type: "string", enum: ["cli", "appServer"] }] }),
      ],
      [tsrs("v2/Item", "{ tools: unknown[], }"), tsrs("v2/Source", '"cli" | "mcp" | "vscode"')],
    );
    expect(findingsOf(result, "v2/Item")?.findings).toEqual([
      expect.objectContaining({ category: "type", pointer: "/definitions/v2/Item/properties/tools", schema: "JsonValue[]", reference: "unknown[]" }),
    ]);
    const source = findingsOf(result, "v2/Source")?.findings ?? [];
    expect(source.map((finding) => finding.category).sort()).toEqual(["variant-only-in-reference", "variant-only-in-reference", "variant-only-in-schema"]);
    expect(source.find((finding) => finding.category === "variant-only-in-schema")).toMatchObject({ schema: '"appServer"', pointer: "/definitions/v2/Source/oneOf/0/enum/1" });
  });

  it("lists a type that differs only through another as a cascade", () => {
    const result = report(
      [
        bundled("v2/Inner", { type: "object", properties: { turn_id: { type: "string" } }, required: ["turn_id"] }),
        bundled("v2/Outer", { type: "object", properties: { inner: { anyOf: [ref("v2/Inner"), { type: "null" }] } } }),
      ],
      [tsrs("v2/Inner", "{ turnId: string, }"), tsrs("v2/Outer", "{ inner: Inner | null, }", { Inner: "./Inner" })],
    );
    expect(findingsOf(result, "v2/Outer")).toEqual({ reference: "v2/Outer", ours: "v2/Outer", findings: [], via: ["v2/Inner"] });
    expect(result.categories).toEqual([
      { category: "property-name", findings: 1, types: 1 },
      { category: "cascade", findings: 1, types: 1 },
    ]);
  });

  it("pairs types across namespaces by name, and lists what the schema does not define with its users", () => {
    const result = report(
      [bundled("InitializeParams", { type: "object", properties: { name: { type: "string" } }, required: ["name"] })],
      [
        tsrs("v2/InitializeParams", "{ name: string, }"),
        tsrs("v2/Spec", "{ tool: FunctionSpec, }", { FunctionSpec: "./FunctionSpec" }),
        tsrs("v2/FunctionSpec", "{ name: string, }"),
      ],
    );
    expect(result.namespaces).toEqual([{ namespace: "v2", equal: 1, differing: 0, missing: 2, percent: 100 }]);
    expect(result.missing).toEqual([
      { reference: "v2/FunctionSpec", usedBy: ["v2/Spec"] },
      { reference: "v2/Spec", usedBy: [] },
    ]);
  });

  it("compares empty structs, any values and flattened maps as ts-rs writes them", () => {
    const result = report(
      [
        bundled("v2/Empty", { type: "object" }),
        bundled("v2/Holder", { type: "object", properties: { value: true, extra: { type: "string" } }, required: ["value", "extra"], additionalProperties: true }),
      ],
      [
        tsrs("v2/Empty", "Record<string, never>"),
        tsrs("v2/Holder", "{ value: JsonValue, extra: string, } & ({ [key in string]?: JsonValue })", { JsonValue: "../serde_json/JsonValue" }),
        tsrs("serde_json/JsonValue", "number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null"),
      ],
    );
    expect(result.differing).toEqual([]);
    expect(result.namespaces.map((count) => [count.namespace, count.equal])).toEqual([["serde_json", 1], ["v2", 2]]);
  });
});

describe("codegen fidelity (command)", () => {
  const work = mkdtempSync(join(tmpdir(), "fidelity-command-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runFidelityCommand(argv, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: work });
    return { code, stdout: out.join(""), stderr: err.join("") };
  };

  it("reports in text and JSON, exit 0", async () => {
    writeGeneratedFiles(work, [
      { path: "bundle.json", contents: JSON.stringify({ definitions: { v2: { Login: { type: "object", properties: { login_id: { type: "string" } }, required: ["login_id"] } } } }) },
      { path: "ts/v2/Login.ts", contents: "export type Login = { loginId: string, };\n" },
    ]);
    const text = await run(["--schema", "bundle.json", "--reference", "ts"]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("v2: 0 of 1 shared types equal (0.0 %), 1 differing, 0 missing");
    expect(text.stdout).toContain("property-name  bundle.json#/definitions/v2/Login/properties/login_id");
    const json = await run(["--schema", "bundle.json", "--reference", "ts", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      differing: [{ reference: "v2/Login", findings: [{ category: "property-name", schema: "login_id", reference: "loginId" }] }],
    });
  });

  it("exits 2 naming what is wrong with the arguments", async () => {
    expect(await run(["--schema", "bundle.json"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--reference DIR is required") });
    expect(await run(["--schema", "bundle.json", "--reference", "nowhere"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--reference nowhere is not a folder") });
    expect(await run(["--schema", "bundle.json", "--reference", "ts", "--format", "xml"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--format must be one of text, json") });
    expect(await run(["--schema", "missing.json", "--reference", "ts"])).toMatchObject({ code: 2, stderr: expect.stringContaining("schema error") });
  });
});
