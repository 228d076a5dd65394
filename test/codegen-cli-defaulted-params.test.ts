/**
 * `--defaulted-params`: defaulted properties are required in the generated types by default
 * (ts-rs's rule), optional in what clients write with `optional`; the fast --check record
 * keeps the two apart.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../codegen/cli/main.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const miniSchema = path.join(repoRoot, "test/fixtures/mini-schema");

let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "codegen-defaulted-"));
  await cp(miniSchema, path.join(work, "schema"), { recursive: true });
  // note/add's params gain a defaulted flag: the client may omit it, the server fills it in.
  const paramsFile = path.join(work, "schema/v2/NoteAddParams.json");
  const params = JSON.parse(await readFile(paramsFile, "utf8")) as { properties: Record<string, unknown> };
  params.properties["pinned"] = { type: "boolean", default: false };
  await writeFile(paramsFile, `${JSON.stringify(params, null, 2)}\n`);
  vi.stubEnv("CODEGEN_CHECK_CACHE_DIR", path.join(work, "records"));
  vi.stubEnv("CODEGEN_CHECK_CACHE", undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

async function codegen(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work });
  return { code, stdout, stderr };
}

const paramsType = () => readFile(path.join(work, "out/types/v2/NoteAddParams.ts"), "utf8");

describe("codegen --defaulted-params", () => {
  it("makes a defaulted property required by default and optional in client-written types with optional", async () => {
    expect(await codegen(["--out", "out"])).toMatchObject({ code: 0, stderr: "" });
    expect(await paramsType()).toContain("    pinned: boolean;");
    expect(await codegen(["--out", "out", "--defaulted-params", "optional"])).toMatchObject({ code: 0, stderr: "" });
    expect(await paramsType()).toContain("    pinned?: boolean;");
  });

  it("--check compares with the same setting, and its record does not answer for the other one", async () => {
    await codegen(["--out", "out", "--defaulted-params", "optional"]);
    const same = await codegen(["--out", "out", "--check", "--defaulted-params", "optional"]);
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain("out is up to date");
    const other = await codegen(["--out", "out", "--check"]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain("-    pinned?: boolean;\n+    pinned: boolean;");
    expect(other.stdout).toContain("run `npx thread-queue-codegen --out out` to update");
  });

  it("refuses an unknown value with exit 2", async () => {
    const result = await codegen(["--defaulted-params", "sometimes"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--defaulted-params must be one of required, optional (got "sometimes")');
  });
});
