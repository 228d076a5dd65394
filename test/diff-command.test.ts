/**
 * `codegen diff` end to end: both sides loaded by the codegen loader (bundle fixtures with an
 * `x-protocol` registry, or a git ref), the three output formats, and the exit codes CI
 * relies on.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { runDiffCommand } from "../codegen/diff/command.js";
import type { JsonReport } from "../codegen/diff/format/json.js";

const repo = path.resolve(import.meta.dirname, "..");
const BASE = "test/fixtures/diff/cli/base.json";
const HEAD = "test/fixtures/diff/cli/head.json";

async function run(argv: string[], cwd = repo): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runDiffCommand(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
  });
  return { code, stdout, stderr };
}

const validateReport = new Ajv({ strict: false }).compile(
  JSON.parse(readFileSync(path.join(repo, "codegen/diff/report.schema.json"), "utf8")) as object,
);

describe("codegen diff: text format", () => {
  it("groups by method, methods with breaking changes first, and exits 1 on a breaking change", async () => {
    const { code, stdout } = await run(["--base", BASE, "--schema", HEAD]);
    expect(code).toBe(1);
    const headings = stdout.split("\n").filter((line) => /^\S/.test(line) && line.includes(" — "));
    expect(headings).toEqual([
      "turn/start — 1 breaking",
      "thread/queue/changed (experimental) — 1 warning, 1 safe",
      "thread/queue/list (experimental) — 2 warnings, 1 safe",
    ]);
    expect(stdout).toContain("BREAKING  turn/start › params › cwd  [required-property-added]");
    expect(stdout).toContain("(experimental: warning at most)");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe('FAIL: 1 change at or above "breaking"');
  });

  it("reports nothing and exits 0 when both sides are the same", async () => {
    const { code, stdout } = await run(["--base", BASE, "--schema", BASE]);
    expect(code).toBe(0);
    expect(stdout).toContain("No protocol changes.");
  });
});

describe("codegen diff: json format", () => {
  it("prints a version 1 document that matches the documented schema", async () => {
    const { code, stdout } = await run(["--base", BASE, "--schema", HEAD, "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({ version: 1, base: BASE, head: HEAD, failOn: "breaking", failed: true });
    expect(report.summary).toEqual({ breaking: 1, warning: 2, safe: 1 });
    const [first] = report.changes;
    expect(first).toMatchObject({
      kind: "required-property-added",
      severity: "breaking",
      type: "v2/TurnStartParams",
      path: "cwd",
      location: { file: HEAD, pointer: "/definitions/v2/TurnStartParams/properties/cwd" },
      uses: [{ method: "turn/start", role: "params", reader: "server", experimental: false, path: "turn/start › params › cwd" }],
      judgements: [{ reader: "server", severity: "breaking" }],
    });
  });

  it("--strict-experimental counts experimental changes in full", async () => {
    const { stdout } = await run(["--base", BASE, "--schema", HEAD, "--format", "json", "--strict-experimental"]);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.summary).toEqual({ breaking: 2, warning: 1, safe: 1 });
    expect(report.changes.find((change) => change.kind === "numeric-range-narrowed")?.severity).toBe("breaking");
  });
});

describe("codegen diff: github format", () => {
  it("annotates breaking changes as errors and warnings as warnings, at the changed line", async () => {
    const { code, stdout } = await run(["--base", BASE, "--schema", HEAD, "--format", "github"]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    const annotations = lines.filter((line) => line.startsWith("::"));
    expect(annotations.map((line) => line.slice(0, line.indexOf(" ")))).toEqual(["::error", "::warning", "::warning"]);
    const headLines = readFileSync(path.join(repo, HEAD), "utf8").split("\n");
    const first = annotations[0] ?? "";
    const line = Number(/,line=(\d+),/.exec(first)?.[1]);
    expect(headLines[line - 1]).toContain('"cwd"');
    expect(first).toMatch(/^::error file=test\/fixtures\/diff\/cli\/head\.json,line=\d+,title=Breaking protocol change%3A required-property-added::turn\/start › params › cwd: /);
    expect(lines.at(-1)).toBe('FAIL: 1 change at or above "breaking"');
  });
});

describe("codegen diff: exit codes", () => {
  it("--fail-on moves the threshold", async () => {
    expect((await run(["--base", BASE, "--schema", HEAD, "--fail-on", "none"])).code).toBe(0);
    expect((await run(["--base", BASE, "--schema", HEAD, "--fail-on", "warning", "--format", "json"])).code).toBe(1);
    const onlySafe = await run(["--base", BASE, "--schema", HEAD, "--fail-on=safe", "--format=json"]);
    expect((JSON.parse(onlySafe.stdout) as JsonReport).failOn).toBe("safe");
  });

  it("exits 2 on schema errors, naming the side and the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "diff-bad-"));
    try {
      writeFileSync(path.join(dir, "broken.json"), '{"definitions": {"Bad": {"type": 12}}}\n');
      const { code, stderr } = await run(["--base", path.join(dir, "broken.json"), "--schema", HEAD]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^base .*broken\.json#/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on bad arguments and on a base that is neither a path nor a ref", async () => {
    expect((await run(["--schema", HEAD])).code).toBe(2);
    expect((await run(["--base", BASE, "--format", "yaml"])).code).toBe(2);
    const missing = await run(["--base", "no-such-ref-or-dir"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("neither an existing path nor a git ref");
  });

  it("prints help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--base REF|PATH");
  });
});

describe("codegen diff --base <git ref>", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "diff-git-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const git = (...args: string[]): string =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: scratch, encoding: "utf8" });

  it("materialises the schema directory at the ref and compares it with the working tree", async () => {
    cpSync(path.join(repo, "schema"), path.join(scratch, "schema"), { recursive: true });
    git("init", "-q");
    git("add", "schema");
    git("commit", "-q", "-m", "schema v1");
    const file = path.join(scratch, "schema/v2/ThreadQueueListParams.json");
    const schema = JSON.parse(readFileSync(file, "utf8")) as { required: string[] };
    schema.required = [...schema.required, "limit"];
    writeFileSync(file, JSON.stringify(schema, null, 2) + "\n");

    const clean = await run(["--base", "HEAD", "--schema", "schema", "--format", "json", "--strict-experimental"], scratch);
    const report = JSON.parse(clean.stdout) as JsonReport;
    expect(clean.code).toBe(1);
    expect(report.changes.map((change) => [change.kind, change.severity, change.uses[0]?.path])).toEqual([
      ["property-made-required", "breaking", "thread/queue/list › params › limit"],
    ]);
    expect(report.changes[0]?.location?.file).toBe("schema/v2/ThreadQueueListParams.json");

    // From a subfolder, the same path in the repository is read at the ref.
    const nested = await run(["--base", "HEAD", "--schema", "..", "--format", "json"], path.join(scratch, "schema", "v2"));
    expect((JSON.parse(nested.stdout) as JsonReport).summary).toEqual({ breaking: 0, warning: 1, safe: 0 });
  });

  it("reads the ref in the schema's own repository from any working directory; github annotations name files from that repository's root", async () => {
    const outside = mkdtempSync(path.join(tmpdir(), "diff-elsewhere-"));
    try {
      const schema = path.join(scratch, "schema");
      const fromOutside = await run(["--base", "HEAD", "--schema", schema, "--format", "json", "--strict-experimental"], outside);
      expect(fromOutside.code).toBe(1);
      const report = JSON.parse(fromOutside.stdout) as JsonReport;
      expect(report.changes.map((change) => change.kind)).toEqual(["property-made-required"]);
      expect(report.changes[0]?.location?.file).toBe(path.relative(outside, path.join(schema, "v2/ThreadQueueListParams.json")));

      for (const cwd of [outside, path.join(scratch, "schema", "v2")]) {
        const github = await run(["--base", "HEAD", "--schema", path.relative(cwd, schema), "--format", "github", "--strict-experimental"], cwd);
        const annotation = github.stdout.split("\n").find((line) => line.startsWith("::")) ?? "";
        expect(annotation).toMatch(/^::error file=schema\/v2\/ThreadQueueListParams\.json,line=\d+,/);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("exits 2 when the schema path does not exist at the ref", async () => {
    const { code, stderr } = await run(["--base", "HEAD", "--schema", "elsewhere"], scratch);
    expect(code).toBe(2);
    expect(stderr).toContain("elsewhere does not exist at HEAD");
  });
});
