/**
 * The upstream Codex app-server bundle (667 types) as a large, real input: every type is
 * emitted, the output typechecks under the project's strict settings, and emitting is fast.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeneratedFile, ProtocolModel } from "../codegen/model/model.js";
import { emitTypes } from "../codegen/emit/types/index.js";
import { typecheck, writeGeneratedFiles } from "../codegen/emit/types/test-support.js";
import { loadProtocol } from "../codegen/load/index.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(repoRoot, "..", "shared", "corpus", "codex-app-server-protocol", "codex_app_server_protocol.schemas.json");

describe.skipIf(!existsSync(bundle))(
  "types from the upstream corpus (needs ../shared/corpus/codex-app-server-protocol/codex_app_server_protocol.schemas.json)",
  () => {
    let model: ProtocolModel;
    let files: GeneratedFile[];
    let work: string;

    beforeAll(async () => {
      const loaded = await loadProtocol(bundle, { cwd: repoRoot });
      if (!loaded.ok) throw new Error(`the corpus bundle does not load:\n${loaded.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n")}`);
      model = loaded.model;
      files = emitTypes(model);
      work = mkdtempSync(join(tmpdir(), "types-corpus-"));
    });

    afterAll(() => {
      if (work !== undefined) rmSync(work, { recursive: true, force: true });
    });

    it("writes one file per type (82 root, 585 in v2), the built-in JsonValue and one index per namespace", () => {
      const inFolder = (prefix: string) =>
        files.filter((file) => file.path.startsWith(prefix) && !file.path.slice(prefix.length).includes("/"));
      expect(inFolder("types/").map((file) => file.path)).toContain("types/index.ts");
      expect(inFolder("types/").map((file) => file.path)).toContain("types/JsonValue.ts");
      expect(inFolder("types/v2/").map((file) => file.path)).toContain("types/v2/index.ts");
      expect(inFolder("types/").length).toBe(82 + 1 + 1);
      expect(inFolder("types/v2/").length).toBe(585 + 1);
      expect(files.length).toBe(667 + 1 + 2);
    });

    it("typechecks with zero diagnostics under strict NodeNext settings", () => {
      // NodeNext treats .ts files as ES modules only below a package.json with "type": "module".
      writeFileSync(join(work, "package.json"), '{ "type": "module" }\n');
      const paths = writeGeneratedFiles(work, files);
      expect(typecheck(paths)).toEqual([]);
    });

    it("keeps both RequestId types apart: root's and v2's", () => {
      const root = files.find((file) => file.path === "types/RequestId.ts");
      const v2 = files.find((file) => file.path === "types/v2/RequestId.ts");
      expect(root?.contents).toContain("export type RequestId = string | number;");
      expect(v2?.contents).toContain("export type RequestId = string | number;");
    });

    // Speed is measured by `npm run bench` (codegen-corpus), never asserted here.
    it("emits all 667 types identically each time", () => {
      expect(emitTypes(model)).toEqual(files);
    });
  },
);
