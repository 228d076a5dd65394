import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../codegen/cli/main.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const casesDir = "test/fixtures/bad-schemas";

interface ExpectedError {
  /** Relative to the case's folder. */
  readonly file: string;
  readonly pointer: string;
  /** A phrase the message must contain (what is wrong, or what to do). */
  readonly says: string;
}

/** Each fixture folder under test/fixtures/bad-schemas and the errors it must produce. */
const cases: Record<string, { schema?: string; registry?: string; errors: ExpectedError[] }> = {
  "invalid-json": { errors: [{ file: "v2/Thing.json", pointer: "", says: "invalid JSON at line 4, column 1" }] },
  "meta-schema-violation": {
    errors: [{ file: "v2/Thing.json", pointer: "/properties/id/type", says: "not a valid draft-07 schema" }],
  },
  "unresolvable-ref": {
    errors: [{ file: "v2/Thing.json", pointer: "/properties/owner/$ref", says: "v2/Owner.json does not exist" }],
  },
  "title-names-other-type": {
    errors: [{ file: "v2/Other.json", pointer: "/title", says: "bad-schemas/title-names-other-type/v2/Thing.json" }],
  },
  "title-differs-from-file": {
    errors: [{ file: "v2/Thing.json", pointer: "/title", says: 'title "Gadget" differs from the file name "Thing"' }],
  },
  "registry-missing-type": {
    errors: [{ file: "protocol.json", pointer: "/requests/0/params", says: 'params type "v2/ThingGetParams" of "thing/get" does not exist' }],
  },
  "duplicate-method": {
    errors: [{ file: "protocol.json", pointer: "/notifications/1/method", says: 'duplicate method "thing/changed"' }],
  },
  "unknown-format": {
    errors: [{ file: "v2/Thing.json", pointer: "/properties/count/format", says: 'unknown format "uint33"' }],
  },
  "reserved-type-name": { errors: [{ file: "v2/class.json", pointer: "", says: '"class" is a reserved word' }] },
  "invalid-namespace": {
    errors: [
      { file: "my-ns/Thing.json", pointer: "", says: 'namespace "my-ns" is not a valid TypeScript identifier' },
      { file: "protocol.json", pointer: "/notifications/0/params", says: "must match pattern" },
    ],
  },
  "registry-meta-violation": {
    errors: [{ file: "protocol.json", pointer: "/notifications/0", says: "must have required property 'messageDirection'" }],
  },
  "missing-registry": { errors: [{ file: "protocol.json", pointer: "", says: "no method registry" }] },
  "recursive-fragment": {
    errors: [{ file: "v2/Thing.json", pointer: "/definitions/Node/properties/children/items/$ref", says: "move that fragment into its own type file" }],
  },
  "bundle-unresolvable-ref": {
    schema: "bundle.json",
    errors: [{ file: "bundle.json", pointer: "/definitions/Thing/properties/owner/$ref", says: 'no definition "Owner"' }],
  },
  "unsupported-dialect": {
    schema: "bundle.json",
    errors: [{ file: "bundle.json", pointer: "/$schema", says: 'unsupported $schema "http://json-schema.org/draft-04/schema#"' }],
  },
  "unhonoured-keyword": {
    schema: "bundle.json",
    errors: [
      { file: "bundle.json", pointer: "/$defs/Legacy/prefixItems", says: "validates nothing in a draft-07 schema" },
      { file: "bundle.json", pointer: "/$defs/Thing/properties/tags/additionalItems", says: "validates nothing in a 2020-12 schema" },
      { file: "bundle.json", pointer: "/$defs/Thing/unevaluatedProperties", says: "unevaluatedProperties is not supported" },
    ],
  },
  "no-types": { schema: "bundle.json", errors: [{ file: "bundle.json", pointer: "", says: "no types" }] },
  "registry-override": {
    schema: "bundle.json",
    registry: "registry.json",
    errors: [
      { file: "registry.json", pointer: "/requests/0/result", says: 'result type "ThingResult" of "thing/get" does not exist' },
      { file: "registry.json", pointer: "/requests/1/params", says: '`params` is required for "thing/put"' },
    ],
  },
};

async function runCodegen(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repoRoot }, {
    emitters: [() => { throw new Error("emitters must not run on a schema with errors"); }],
    scaffoldEmitter: () => () => [],
  });
  return { code, stdout, stderr };
}

describe("codegen CLI on bad schemas (test/fixtures/bad-schemas/<case>)", () => {
  it("has an expectation for every fixture folder", () => {
    const folders = readdirSync(path.join(repoRoot, casesDir)).sort();
    expect(folders).toEqual(Object.keys(cases).sort());
  });

  for (const [name, { schema, registry, errors }] of Object.entries(cases)) {
    it(`${name}: exit 2, each error as <file>#<pointer>: <message> on stderr, nothing written`, async () => {
      const schemaPath = [casesDir, name, schema].filter(Boolean).join("/");
      const registryArgs = registry === undefined ? [] : ["--registry", `${casesDir}/${name}/${registry}`];
      const { code, stdout, stderr } = await runCodegen(["--schema", schemaPath, "--out", "test/fixtures/bad-schemas-never-written", ...registryArgs]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      const lines = stderr.trimEnd().split("\n");
      for (const error of errors) {
        const prefix = `${casesDir}/${name}/${error.file}#${error.pointer}: `;
        const line = lines.find((candidate) => candidate.startsWith(prefix));
        expect(line, `stderr has a line starting with ${prefix}\n${stderr}`).toBeDefined();
        expect(line).toContain(error.says);
      }
      expect(lines).toHaveLength(errors.length + 1);
      expect(lines.at(-1)).toMatch(/schema errors? in .*; nothing was written\.$/);
    });
  }
});
