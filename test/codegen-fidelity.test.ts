/**
 * Fidelity on Codex 0.171.0: the types we generate for its bundle against the TypeScript
 * Codex's ts-rs wrote for the same Rust types (issue 10). At least 97 % of the v2 types both
 * sides have are equal; every remaining difference is explained at a schema pointer or is a
 * cascade of one that is; every missing type is one the bundle does not define.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProtocol } from "../codegen/load/index.js";
import type { ProtocolModel } from "../codegen/model/model.js";
import { formatFidelity } from "../codegen/fidelity/format.js";
import { readTypeScriptTree } from "../codegen/fidelity/reference.js";
import { fidelityReport, type FidelityReport } from "../codegen/fidelity/report.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const corpus = join(repoRoot, "..", "shared", "corpus", "codex-0.171.0");
const bundle = join(corpus, "codex_app_server_protocol.schemas.json");
const reference = join(corpus, "typescript");
const present = existsSync(bundle) && existsSync(reference);

describe.skipIf(!present)(`fidelity against Codex's ts-rs output (needs ${join("..", "shared", "corpus", "codex-0.171.0")}/ with the bundle and typescript/)`, () => {
  let model: ProtocolModel;
  let report: FidelityReport;

  beforeAll(async () => {
    const loaded = await loadProtocol(bundle, { cwd: repoRoot });
    if (!loaded.ok) throw new Error(`the 0.171.0 bundle does not load:\n${loaded.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n")}`);
    model = loaded.model;
    report = fidelityReport({ model, reference: await readTypeScriptTree(reference), referenceLabel: "typescript" });
    const summary = formatFidelity(report, "text").split("\n").slice(0, 6).join("\n");
    console.info(`${summary}\ndiffering: ${report.differing.map((type) => type.reference).join(", ")}`);
  });

  it("has at least 97 % of the shared v2 types equal", () => {
    const v2 = report.namespaces.find((count) => count.namespace === "v2");
    expect(v2?.equal).toBeGreaterThan(800);
    expect(v2?.percent).toBeGreaterThanOrEqual(97);
  });

  it("explains every differing type at a schema pointer, or as a cascade of differing types", () => {
    const differing = new Set(report.differing.map((type) => type.ours));
    for (const type of report.differing) {
      expect(type.findings.length + type.via.length, type.reference).toBeGreaterThan(0);
      for (const finding of type.findings) expect(finding.location, type.reference).toMatch(/codex_app_server_protocol\.schemas\.json#\/definitions\//);
      for (const through of type.via) expect(differing, `${type.reference} via ${through}`).toContain(through);
    }
  });

  it("misses only types the bundle does not define", () => {
    const names = new Set(model.types.map((type) => type.name));
    const missingNames = report.missing.map((type) => type.reference.slice(type.reference.lastIndexOf("/") + 1));
    expect(missingNames.filter((name) => names.has(name))).toEqual([]);
  });

  it("keeps the cases the issue named equal: JsonValue, empty structs, defaulted fields, tagged and externally tagged unions", () => {
    const differing = new Set(report.differing.map((type) => type.reference));
    for (const id of ["serde_json/JsonValue", "v2/LogoutAccountResponse", "v2/TokenUsageBreakdown", "v2/UserInput", "v2/AskForApproval", "v2/HookMetadata", "v2/DynamicToolSpec", "v2/ThreadItem"]) {
      expect(differing.has(id), id).toBe(false);
      expect(report.missing.map((type) => type.reference), id).not.toContain(id);
    }
  });
});
