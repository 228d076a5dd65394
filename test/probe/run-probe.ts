/** Runs `codegen probe` in-process, as `npm run codegen -- probe …` would, and collects its output. */
import { join, resolve } from "node:path";
import { quote } from "shell-quote";
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
