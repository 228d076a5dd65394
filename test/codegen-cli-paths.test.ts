/**
 * The codegen CLI names paths the way the user gave them: a relative path relative to the
 * working folder, an absolute one outside it absolute — `--schema /nope` used to be reported as
 * `../../../nope`. Through the real process, as `npm run codegen` runs it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
const tsxCli = path.join(repo, "node_modules/tsx/dist/cli.mjs");

const work: string[] = [];
afterEach(() => {
  for (const dir of work.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function codegen(cwd: string, args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [tsxCli, path.join(repo, "codegen/cli.ts"), ...args], { cwd, encoding: "utf8" });
  return { status: run.status, stderr: run.stderr };
}

describe("codegen prints paths as given", () => {
  it("an absolute --schema outside the working folder stays absolute; a relative one stays relative", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "codegen-paths-"));
    work.push(cwd);
    mkdirSync(path.join(cwd, "deep/er"), { recursive: true });
    const absolute = codegen(path.join(cwd, "deep/er"), ["--schema", "/no-such-schema-folder", "--out", "out"]);
    expect(absolute.status).toBe(2);
    expect(absolute.stderr).toBe(
      "/no-such-schema-folder#: no such file or directory; pass a schema directory (with protocol.json) or a bundle file\n" +
        "codegen: 1 schema error in /no-such-schema-folder; nothing was written.\n",
    );
    const relative = codegen(path.join(cwd, "deep/er"), ["--schema", "../missing", "--out", "out"]);
    expect(relative.status).toBe(2);
    expect(relative.stderr).toContain("codegen: 1 schema error in ../missing; nothing was written.");
  });
});
