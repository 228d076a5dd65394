/** Runs `codegen probe` in-process, as `npm run codegen -- probe …` would, and collects its output. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { quote } from "shell-quote";
import ts from "typescript";
import { runProbeCommand } from "../../codegen/probe/command.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const INIT_FILE = "test/probe/thread-queue.init.json";
export const FIXTURE = join("test", "probe", "fixtures", "broken-server.mjs");

export interface ProbeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function probe(args: readonly string[]): Promise<ProbeRun> {
  let stdout = "";
  let stderr = "";
  const code = await runProbeCommand(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: REPO_ROOT,
  });
  return { code, stdout, stderr };
}

let fixtureValidators: string | undefined;

/**
 * The generated validators (validators/standalone.ts and the formats it imports) as plain
 * JavaScript (cached below node_modules/.cache), for the fixture server, which runs under plain node so that it
 * starts fast (one server per probe session and per shrinking step). Built once per process.
 */
export function fixtureValidatorsModule(): string {
  if (fixtureValidators !== undefined) return fixtureValidators;
  const sources = ["standalone", "formats"].map((name) => ({
    name,
    source: readFileSync(join(REPO_ROOT, "generated", "validators", `${name}.ts`), "utf8"),
  }));
  // A cache under the repository's node_modules, named by the sources' hash: what the validators
  // require of ajv's runtime (ucs2length for a maxLength, …) resolves there as in a project that
  // installed ajv, and runs reuse it instead of leaving a copy behind each time.
  const hash = createHash("sha256");
  for (const { source } of sources) hash.update(source);
  const folder = join(REPO_ROOT, "node_modules", ".cache", "probe-fixture-validators", hash.digest("hex").slice(0, 16), "validators");
  mkdirSync(folder, { recursive: true });
  for (const { name, source } of sources) {
    const target = join(folder, `${name}.js`);
    if (existsSync(target)) continue;
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
    // Written aside and renamed: test files running at once never read a half-written module.
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, outputText);
    renameSync(partial, target);
  }
  fixtureValidators = join(folder, "standalone.js");
  return fixtureValidators;
}

/** The fixture server with one fault, as a `--server` command. */
export function fixtureCommand(fault: string): string {
  return nodeCommand(FIXTURE, "--fault", fault, "--validators", fixtureValidatorsModule());
}

/** This node, so the test does not depend on which `node` is first on PATH. */
export function nodeCommand(...args: string[]): string {
  return quote([process.execPath, ...args]);
}

/** The JSON report of a `--format json` run, with the fields the tests read. */
export interface JsonReport {
  readonly ok: boolean;
  readonly calls: number;
  readonly methods: Record<string, { valid: number; invalid: number; results: number; errors: Record<string, { count: number; example: string }> }>;
  readonly finding: { kind: string; method: string; received?: string; detail: string } | null;
  readonly shrunk: { calls: number; from: number; steps: number } | null;
  readonly transcript: unknown[] | null;
}

export function jsonReport(run: ProbeRun): JsonReport {
  try {
    return JSON.parse(run.stdout) as JsonReport;
  } catch {
    throw new Error(`probe printed no JSON report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
