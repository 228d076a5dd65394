/**
 * The packages as users install them (issue 12): every workspace is packed with `npm pack`
 * (its prepack builds it), and fresh projects outside this repository install the tarballs,
 * their own dependencies coming from the npm registry as usual. Then, from those projects:
 * - `npx thread-queue-codegen` generates a tiny protocol into src/generated, `--check` from
 *   another working directory finds no drift, and the generated tree compiles with plain tsc
 *   (strict flags, no allowJs) and validates under plain node;
 * - a program importing `thread-queue-protocol/client` and `/types` typechecks under strict,
 *   exactOptionalPropertyTypes and noPropertyAccessFromIndexSignature, compiles with plain
 *   tsc and, under plain node, drives `npx thread-queue-server` over stdio through a queued
 *   turn;
 * - a client-only install holds none of the server's or the codegen's weight.
 *
 * Slow by nature (three builds, a native better-sqlite3 build, registry installs): one pack
 * and one full install shared by the file. Skipped, saying so, only when the npm registry
 * cannot be reached.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const TINY_PROTOCOL = path.join(REPO_ROOT, "test/fixtures/mini-schema");
const PACKAGES = ["thread-queue-protocol", "thread-queue-codegen", "thread-queue-server"] as const;
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
/** The tool versions the test projects install, as a user would: the repository's own. */
const TYPESCRIPT = "typescript@5.9";
/** A bound that only catches a hang: installs and builds take minutes on a busy machine. */
const STEP_TIMEOUT_MS = 900_000;
const NODE_TYPES = "@types/node@^20.19.0";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for npm and the projects' commands: this process's, without what `npm test`
 * itself put there for its own package (npm_package_*, npm_config_local_prefix, …), which
 * would point the inner npm at this repository. The user's registry, cache and proxy settings
 * are kept.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const kept = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|fetch_.*)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || kept.test(key)));
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env: cleanEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

/** Fails with the command's own output, which says what went wrong. */
async function ok(command: string, args: readonly string[], cwd: string, timeoutMs?: number): Promise<Run> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Why the registry cannot be used, or undefined when it answers. */
async function registryProblem(): Promise<string | undefined> {
  const ping = await run(NPM, ["ping"], tmpdir(), 60_000);
  return ping.code === 0 ? undefined : `the npm registry is unreachable (npm ping: ${(ping.stderr.trim().split("\n").at(-1) ?? "").trim()})`;
}

const unreachable = await registryProblem();

/** A fresh project, as `npm init -y` makes it, turned into an ES module project. */
async function freshProject(root: string, name: string): Promise<string> {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  await ok(NPM, ["init", "-y"], dir);
  await ok(NPM, ["pkg", "set", "type=module"], dir);
  return dir;
}

function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), contents);
  }
}

/** The strictest options a client team might build with. */
const strictOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  skipLibCheck: false,
  types: ["node"],
};

describe.skipIf(unreachable !== undefined)(`the packages, packed and installed into fresh projects${unreachable === undefined ? "" : ` (skipped: ${unreachable})`}`, () => {
  let root = "";
  let tarballs: Record<string, string> = {};
  let packed: { name: string; files: { path: string }[] }[] = [];
  let app = "";

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "packaging-"));
    const destination = path.join(root, "tarballs");
    mkdirSync(destination);
    const workspaces = PACKAGES.flatMap((name) => ["--workspace", name]);
    const pack = await ok(NPM, ["pack", ...workspaces, "--pack-destination", destination, "--json"], REPO_ROOT);
    packed = JSON.parse(pack.stdout) as typeof packed;
    tarballs = Object.fromEntries(packed.map((entry: { name: string; filename?: string }) => [entry.name, path.join(destination, entry.filename ?? "")]));

    // One project uses all three, as a team that generates, serves and calls would. npm 11
    // asks for packages' install scripts to be allowed: better-sqlite3 builds its native module.
    app = await freshProject(root, "app");
    await ok(NPM, ["pkg", "set", "allowScripts.better-sqlite3=true", "--json"], app);
    await ok(NPM, ["install", "--no-audit", "--no-fund", ...PACKAGES.map((name) => tarballs[name] ?? "")], app);
    await ok(NPM, ["install", "--no-audit", "--no-fund", "--save-dev", TYPESCRIPT, NODE_TYPES], app);
  }, 1_800_000);

  afterAll(() => {
    if (root !== "") rmSync(root, { recursive: true, force: true });
  });

  it("packs compiled JavaScript, declarations and bins only: no tests, no sources", () => {
    expect(packed.map((entry) => entry.name).sort()).toEqual([...PACKAGES].sort());
    for (const entry of packed) {
      const files = entry.files.map((file) => file.path);
      expect(files.filter((file) => /\.test\.|(^|\/)(test|bench|\.ci|scripts)\//.test(file)), entry.name).toEqual([]);
      expect(files.filter((file) => !/^(package\.json|README\.md|bin\/[\w-]+\.js|dist\/.+)$/.test(file)), entry.name).toEqual([]);
      // TypeScript sources ship only as the codegen's runtime templates, which it copies into
      // every generated tree; everything that runs is compiled.
      const sources = files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
      expect(sources.filter((file) => !file.startsWith("dist/codegen/runtime/")), entry.name).toEqual([]);
    }
  }, STEP_TIMEOUT_MS);

  it("npx thread-queue-codegen generates from a project's own directory, --check from another one finds no drift, and plain tsc and node run the result", async () => {
    cpSync(TINY_PROTOCOL, path.join(app, "proto"), { recursive: true });
    const generate = await run(NPX, ["thread-queue-codegen", "--schema", "proto", "--out", "src/generated"], app);
    expect(generate, generate.stderr).toMatchObject({ code: 0 });
    const header = readFileSync(path.join(app, "src/generated/types/v2/Note.ts"), "utf8").split("\n").slice(0, 2);
    expect(header).toEqual([
      "// Generated by codegen from proto/v2/Note.json — do not edit by hand.",
      "// Regenerate with: npx thread-queue-codegen --schema proto --out src/generated",
    ]);

    const elsewhere = path.join(root, "ci-job");
    mkdirSync(elsewhere, { recursive: true });
    const bin = path.join(app, "node_modules/.bin/thread-queue-codegen");
    const check = await run(bin, ["--schema", path.join(app, "proto"), "--out", path.relative(elsewhere, path.join(app, "src/generated")), "--check"], elsewhere);
    expect(check, check.stdout + check.stderr).toMatchObject({ code: 0 });
    expect(check.stdout).toContain("is up to date");

    // The generated tree as the project's build sees it: plain tsc, no allowJs, strict flags.
    writeFiles(app, {
      "tsconfig.generated.json": JSON.stringify({ compilerOptions: { ...strictOptions, rootDir: "src", outDir: "dist" }, include: ["src/generated/**/*.ts", "src/use-generated.ts"] }, null, 2),
      "src/use-generated.ts": [
        'import { v2 } from "./generated/validators/index.js";',
        'const good = v2.validateNoteAddParams({ text: "hello" });',
        "const bad = v2.validateNoteAddParams({ text: 42 });",
        "console.log(JSON.stringify({ good: good.ok, bad: bad.ok ? [] : bad.errors.map((issue) => issue.instancePath) }));",
        "",
      ].join("\n"),
    });
    await ok(NPX, ["tsc", "-p", "tsconfig.generated.json"], app);
    const validated = await ok(process.execPath, [path.join(app, "dist/use-generated.js")], app);
    expect(JSON.parse(validated.stdout)).toEqual({ good: true, bad: ["/text"] });
  }, STEP_TIMEOUT_MS);

  it("a client importing /client and /types compiles under strict flags with plain tsc and drives npx thread-queue-server over stdio", async () => {
    writeFiles(app, {
      "tsconfig.client.json": JSON.stringify({ compilerOptions: { ...strictOptions, rootDir: "client", outDir: "client-dist" }, include: ["client/**/*.ts"] }, null, 2),
      "client/main.ts": CLIENT_PROGRAM,
      // An embedder's view of the server package: typechecked, not run.
      "client/embed.ts": EMBEDDER_PROGRAM,
    });
    await ok(NPX, ["tsc", "-p", "tsconfig.client.json"], app);
    const result = await ok(process.execPath, [path.join(app, "client-dist/main.js"), path.join(root, "queue.sqlite")], app, 120_000);
    const report = JSON.parse(result.stdout) as { added: string; changed: number[]; completed: string; echoed: boolean };
    expect(report.added).toBe("pending");
    // The add is announced with the row, then without it once the dispatcher claimed it.
    expect(report.changed.slice(0, 2)).toEqual([1, 0]);
    expect(report.completed).toBe("completed");
    expect(report.echoed).toBe(true);
  }, STEP_TIMEOUT_MS);

  it("a client-only install has none of the server's or the codegen's dependencies", async () => {
    const clientOnly = await freshProject(root, "client-only");
    await ok(NPM, ["install", "--no-audit", "--no-fund", tarballs["thread-queue-protocol"] ?? ""], clientOnly);
    const tree = await ok(NPM, ["ls", "--all", "--omit=dev", "--parseable"], clientOnly);
    const installed = tree.stdout.split("\n").filter((line) => line.includes("node_modules")).map((line) => line.slice(line.lastIndexOf("node_modules") + "node_modules/".length));
    expect(installed).toContain("thread-queue-protocol");
    expect(installed).toContain("ajv");
    for (const heavy of ["better-sqlite3", "pg", "typescript", "tsx", "ts-morph", "ws"]) expect(installed).not.toContain(heavy);
    // Without ws, the client and the validators load and work (only a WebSocket dial needs it).
    const script = [
      'const { createClient, createMemoryTransportPair } = await import("thread-queue-protocol/client");',
      'const { v2 } = await import("thread-queue-protocol/validators");',
      "const [transport] = createMemoryTransportPair();",
      "createClient(transport);",
      'console.log(JSON.stringify(v2.validateThreadQueueListParams({ threadId: "t", limit: -1 })));',
    ].join("\n");
    const loaded = await ok(process.execPath, ["--input-type=module", "-e", script], clientOnly);
    expect(JSON.parse(loaded.stdout)).toMatchObject({
      ok: false,
      errors: [
        { instancePath: "/limit", keyword: "minimum" },
        { instancePath: "/limit", keyword: "format", message: "must be uint32 (0..4294967295)" },
      ],
    });
  }, STEP_TIMEOUT_MS);
});

const CLIENT_PROGRAM = `import { createClient, StdioChildTransport } from "thread-queue-protocol/client";
import type { InitializeParams, v2 } from "thread-queue-protocol/types";

const database = process.argv[2] ?? "queue.sqlite";
const client = createClient(new StdioChildTransport({ command: "npx", args: ["thread-queue-server", "--db", database], stderr: "collect" }));

const changed: number[] = [];
client.on("thread/queue/changed", ({ queuedTurns }) => {
  changed.push(queuedTurns.length);
});
const completed = new Promise<v2.TurnCompletedNotification>((resolve) => {
  client.on("turn/completed", (params) => resolve(params));
});

const initialize: InitializeParams = { clientInfo: { name: "packaging-test", version: "1.0.0" }, capabilities: { experimentalApi: true } };
await client.request("initialize", initialize);
await client.notify("initialized");
const { thread } = await client.request("thread/start", {});
const input: v2.UserInput[] = [{ type: "text", text: "hello from a package", text_elements: [] }];
const { queuedTurn } = await client.request("thread/queue/add", { threadId: thread.id, turnStartParams: { threadId: thread.id, input } });
const done = await completed;
const echoed = JSON.stringify(done.turn).includes("hello from a package");
console.log(JSON.stringify({ added: queuedTurn.status.type, changed, completed: done.turn.status, echoed }));
await client.close();
`;

const EMBEDDER_PROGRAM = `import { createServerRuntime, EchoTurnRunner, QueueServer, SqliteQueueStore, createStderrLogger, type ServerRuntime } from "thread-queue-server";

export async function embed(path: string): Promise<ServerRuntime> {
  const logger = createStderrLogger("info");
  const store = await SqliteQueueStore.open({ path });
  const runtime = createServerRuntime({ store, runner: new EchoTurnRunner(0), logger, options: { maxInputChars: 1000, maxQueueLength: 100, maxInFlightRequests: 16, version: "embedded", defaultCwd: "/", validateOutgoing: false } });
  void new QueueServer(runtime);
  return runtime;
}
`;
