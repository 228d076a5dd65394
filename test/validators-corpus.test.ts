/**
 * The whole upstream corpus (667 types) through the validators emitter: it compiles at
 * codegen time in seconds, the output typechecks with the generated types, loads under plain
 * node much faster than ajv could compile it at run time, and validates real messages.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProtocol } from "../codegen/load/index.js";
import type { GeneratedFile, ProtocolModel } from "../codegen/model/model.js";
import { emitTypes } from "../codegen/emit/types/index.js";
import { typecheck } from "../codegen/emit/types/test-support.js";
import { emitValidators } from "../codegen/emit/validators/index.js";
import { REPO_ROOT, writeGeneratedTree, type GeneratedTree } from "../codegen/emit/validators/test-support.js";

const CORPUS_BUNDLE = "/work/shared/corpus/codex-app-server-protocol/codex_app_server_protocol.schemas.json";
const present = existsSync(CORPUS_BUNDLE);
const note = present ? "" : ` (skipped: ${CORPUS_BUNDLE} is absent)`;

type Result = { ok: true } | { ok: false; errors: { instancePath: string; keyword: string }[] };

let model: ProtocolModel;
let files: GeneratedFile[];
let tree: GeneratedTree | undefined;

beforeAll(async () => {
  if (!present) return;
  const loaded = await loadProtocol(CORPUS_BUNDLE, { cwd: REPO_ROOT });
  if (!loaded.ok) throw new Error(`the corpus does not load: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
  model = loaded.model;
  files = emitValidators(model);
  tree = writeGeneratedTree([...emitTypes(model), ...files]);
});

afterAll(() => tree?.remove());

describe.skipIf(!present)(`validators for the upstream corpus${note}`, () => {
  it("compile at codegen time", () => {
    expect(model.types.length).toBeGreaterThan(600);
    expect(files.find((file) => file.path === "validators/v2/index.ts")?.contents).toContain("export function validateThreadListParams(");
  });

  it("typecheck together with the generated types", () => {
    const roots = [...emitTypes(model), ...files].filter((file) => file.path.endsWith(".ts")).map((file) => join(tree!.dir, file.path));
    expect(typecheck(roots)).toEqual([]);
  });

  // How much faster the import is than a run-time compile is `npm run bench` (validator-cold-start).
  it("load under plain node and validate", () => {
    const script = [
      'const s = await import("./validators/standalone.js");',
      'const ok = s.v2$ThreadListParams({ limit: 10, cursor: null }) && !s.v2$ThreadListParams({ limit: -1 });',
      "console.log(JSON.stringify({ ok, exports: Object.keys(s).length }));",
    ].join("\n");
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: tree!.dir, encoding: "utf8" });
    const { ok, exports } = JSON.parse(output) as { ok: boolean; exports: number };
    expect(ok).toBe(true);
    expect(exports).toBe(model.types.length);
  });

  it("validate real messages, with JSON pointers to the problems", async () => {
    const root = (await import(pathToFileURL(join(tree!.dir, "validators/index.ts")).href)) as {
      validatorsById: Readonly<Record<string, (value: unknown) => Result>>;
    };
    const check = (id: string, value: unknown): Result => {
      const validate = root.validatorsById[id];
      if (validate === undefined) throw new Error(`no validator for ${id}`);
      return validate(value);
    };
    expect(check("ClientRequest", { id: 1, method: "thread/list", params: { limit: 20 } })).toEqual({ ok: true });
    expect(check("ClientRequest", { id: "a", method: "thread/list", params: { limit: 20, archived: false } })).toEqual({ ok: true });
    const badLimit = check("ClientRequest", { id: 1, method: "thread/list", params: { limit: 4294967296 } });
    expect(badLimit.ok).toBe(false);
    if (!badLimit.ok) {
      expect(badLimit.errors).toContainEqual(expect.objectContaining({ instancePath: "/params/limit", keyword: "format" }));
    }
    const badId = check("ClientRequest", { id: 1.5, method: "thread/list", params: {} });
    expect(badId.ok).toBe(false);
    if (!badId.ok) expect(badId.errors.map((error) => error.instancePath)).toContain("/id");
    expect(check("v2/ThreadListParams", { limit: -1 }).ok).toBe(false);
  });
});
