/**
 * The generated queue types accept and produce exactly what the seed's ts-rs types do
 * (SPEC §2): each of QueuedTurn, QueuedTurnStatus and ThreadQueueChangedNotification is
 * assignable to the seed's and back, checked by the TypeScript compiler.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitTypes } from "../codegen/emit/types/index.js";
import { strictCompilerOptions, typecheck, writeGeneratedFiles } from "../codegen/emit/types/test-support.js";
import { loadProtocol } from "../codegen/load/index.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const seedDir = join(repoRoot, "..", "shared", "seed");
const seedTypes = ["QueuedTurn", "QueuedTurnStatus", "ThreadQueueChangedNotification"] as const;
const seedPresent = seedTypes.every((name) => {
  try {
    return readFileSync(join(seedDir, `${name}.ts`)).length > 0;
  } catch {
    return false;
  }
});

// The seed files import "./QueuedTurn" without an extension, as ts-rs writes them; bundler
// resolution accepts that and our "./X.js" specifiers alike.
const checkerOptions: ts.CompilerOptions = {
  ...strictCompilerOptions,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};

/**
 * The two documented differences from ts-rs, and nothing else:
 * - ts-rs writes `bigint` for 64-bit integers; we write `number` (what JSON.parse yields).
 * - ts-rs writes an `Option<T>` field as `k: T | null`; a field that is not required in the
 *   schema is `k?: T | null` in ours.
 */
function normaliseSeed(source: string): string {
  return source
    .replace(/\bbigint\b/g, "number")
    .replace(/(\{|,)\s*("?[A-Za-z_$][\w$]*"?): ([^,{}]*\| null)(?=,|\s*\})/g, "$1 $2?: $3");
}

describe.skipIf(!seedPresent)("generated types match the seed's ts-rs types (needs ../shared/seed/)", () => {
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "types-seed-"));
    const loaded = await loadProtocol("schema", { cwd: repoRoot });
    if (!loaded.ok) throw new Error(`schema/ does not load:\n${loaded.errors.map((e) => `${e.file}#${e.pointer}: ${e.message}`).join("\n")}`);
    writeGeneratedFiles(join(work, "ours"), emitTypes(loaded.model));
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /** Copies the seed into `work/<folder>`, optionally altered, with shims for what it imports. */
  function prepareSeed(folder: string, alter: (name: string, source: string) => string = (_, source) => source): void {
    const copies = seedTypes.map((name) => ({
      path: `${name}.ts`,
      contents: alter(name, normaliseSeed(readFileSync(join(seedDir, `${name}.ts`), "utf8"))),
    }));
    // Types the seed imports but did not ship as .ts: ours stand in for them.
    const shims = ["TurnStartParams", "TurnError"].map((name) => ({
      path: `${name}.ts`,
      contents: `export type { ${name} } from "../ours/types/v2/${name}.js";\n`,
    }));
    writeGeneratedFiles(join(work, folder), [...copies, ...shims]);
  }

  /** A checker asserting mutual assignability of ours and the seed copy in `folder`. */
  function checkAgainst(folder: string): string[] {
    const lines = seedTypes.flatMap((name) => [
      `import type { ${name} as Ours${name} } from "./ours/types/v2/${name}.js";`,
      `import type { ${name} as Seed${name} } from "./${folder}/${name}";`,
    ]);
    for (const name of seedTypes) {
      lines.push(`export const ours${name}FromSeed: Ours${name} = {} as Seed${name};`);
      lines.push(`export const seed${name}FromOurs: Seed${name} = {} as Ours${name};`);
    }
    const checker = join(work, `check-${folder}.ts`);
    writeFileSync(checker, `${lines.join("\n")}\n`);
    return typecheck([checker], checkerOptions);
  }

  it("QueuedTurn, QueuedTurnStatus and ThreadQueueChangedNotification are mutually assignable", () => {
    prepareSeed("seed");
    expect(checkAgainst("seed")).toEqual([]);
  });

  it("fails when the seed has a renamed field (negative control)", () => {
    prepareSeed("seed-renamed", (name, source) =>
      name === "QueuedTurn" ? source.replace("turnStartParams:", "turnParams:") : source,
    );
    const diagnostics = checkAgainst("seed-renamed");
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.join("\n")).toMatch(/turnParams|turnStartParams/);
  });

  it("fails when a status tag differs (negative control)", () => {
    prepareSeed("seed-tag", (name, source) => (name === "QueuedTurnStatus" ? source.replace('"failed"', '"failure"') : source));
    expect(checkAgainst("seed-tag").join("\n")).toMatch(/QueuedTurnStatus/);
  });

  it("normalises only optional-nullable fields and bigint", () => {
    expect(normaliseSeed("export type A = { id: string, limit: number | null, big: bigint, };")).toBe(
      "export type A = { id: string, limit?: number | null, big: number, };",
    );
  });
});
