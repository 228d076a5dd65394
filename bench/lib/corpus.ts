/**
 * Helpers for benchmarks on the upstream corpus: generating its code once (setup, untimed)
 * and listing the type ids of a bundle.
 */
import { join } from "node:path";
import { REPO_ROOT, TSX_CLI } from "./paths.js";
import { timeProcess } from "./process-time.js";

/** Keywords that make a `definitions` entry a schema rather than a namespace of schemas. */
const SCHEMA_KEYWORDS = new Set(["type", "$ref", "properties", "oneOf", "anyOf", "allOf", "enum", "const", "items", "title", "description"]);

/**
 * Type ids (`Name`, `v2/Name`) of a bundle's nested definitions, as codegen/load reads them: an
 * entry whose keys include no schema keyword is a namespace.
 */
export function bundleTypeIds(definitions: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(definitions).flatMap(([key, value]) => {
    const isNamespace = typeof value === "object" && value !== null && !Object.keys(value).some((k) => SCHEMA_KEYWORDS.has(k));
    return isNamespace ? bundleTypeIds(value as Record<string, unknown>, `${prefix}${key}/`) : [`${prefix}${key}`];
  });
}

/**
 * Runs the project's codegen CLI on a schema into `outDir`: as `npm run codegen` does (tsx and
 * the sources), or, given `compiledCli`, as the installed bin does (plain node, compiled).
 */
export function runCodegen(schema: string, outDir: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv, compiledCli?: string) {
  const entry = compiledCli === undefined ? [TSX_CLI, join(REPO_ROOT, "codegen/cli.ts")] : [compiledCli];
  return timeProcess(process.execPath, [...entry, "--schema", schema, "--out", outDir, ...extra], { cwd: REPO_ROOT, env });
}
