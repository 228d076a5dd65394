/**
 * `codegen diff --base <commit>` on this repository's own history: the first commit that
 * added schema/ against the working tree, and HEAD against the working tree. The exact
 * findings change as the schema evolves, so this checks what must always hold: both sides
 * load from git, the report is well-formed, it is empty exactly when schema/ did not change,
 * and every change names methods the registries have.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { runDiffCommand } from "../codegen/diff/command.js";
import type { JsonReport } from "../codegen/diff/format/json.js";

const repo = path.resolve(import.meta.dirname, "..");

function git(...args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** Whether schema/ differs between a commit and the working tree (untracked files included). */
function schemaChangedSince(commit: string): boolean {
  const tracked = git("diff", "--quiet", commit, "--", "schema") === undefined;
  const untracked = (git("ls-files", "--others", "--exclude-standard", "--", "schema") ?? "") !== "";
  return tracked || untracked;
}

const first = git("log", "--diff-filter=A", "--format=%H", "--", "schema/protocol.json")?.split("\n").pop() || undefined;
if (first === undefined) console.warn("diff-history: skipped, no git history with schema/protocol.json in this checkout");

const validate = new Ajv({ strict: false }).compile(
  JSON.parse(readFileSync(path.join(repo, "codegen/diff/report.schema.json"), "utf8")) as object,
);

async function diffAgainst(base: string): Promise<{ code: number; report: JsonReport; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runDiffCommand(["--base", base, "--format", "json"], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: repo,
  });
  return { code, report: (stdout === "" ? undefined : JSON.parse(stdout)) as JsonReport, stderr };
}

describe.skipIf(first === undefined)("codegen diff on the project's own git history", () => {
  it("diffs the first schema commit against the working tree", async () => {
    const { code, report, stderr } = await diffAgainst(first ?? "");
    expect(stderr).toBe("");
    expect([0, 1]).toContain(code);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.changes.length > 0).toBe(schemaChangedSince(first ?? ""));
    expect(code === 1).toBe(report.summary.breaking > 0);
    const registry = JSON.parse(readFileSync(path.join(repo, "schema/protocol.json"), "utf8")) as {
      requests: { method: string }[];
      notifications: { method: string }[];
    };
    const now = new Set([...registry.requests, ...registry.notifications].map((entry) => entry.method));
    for (const change of report.changes) {
      for (const use of change.uses) {
        if (change.kind !== "method-removed" && change.kind !== "method-renamed") expect(now).toContain(use.method);
      }
    }
  });

  it("finds nothing against HEAD when schema/ is unchanged in the working tree", async () => {
    const { code, report } = await diffAgainst("HEAD");
    if (schemaChangedSince("HEAD")) {
      expect([0, 1]).toContain(code);
      return;
    }
    expect(code).toBe(0);
    expect(report.changes).toEqual([]);
  });
});
