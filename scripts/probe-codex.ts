/**
 * `npm run probe:codex`: the probe against the real Codex app-server.
 *
 * 1. Installs `@openai/codex@0.171.0` from the npm registry into a temporary folder (or uses
 *    `--codex-dir DIR` from an earlier run) and says how its Linux binary arrived.
 * 2. Probes `codex app-server` with Codex's own 0.171.0 bundle (../shared/corpus), over stdio
 *    and over WebSocket, calling only the allow-listed methods below: those that work offline
 *    and touch nothing outside the session's temporary CODEX_HOME and working folder.
 * 3. Each finding is recorded (report + transcript in --out) and then passed to --ignore (after
 *    three of one kind, the whole kind), and the probe runs again with the next seed, until a run
 *    is clean or --max-findings is reached: one fault does not hide the next.
 *
 * Every Codex process runs inside a network namespace with only a loopback interface (`unshare
 * -n`), with its model provider pointed at a closed loopback port: nothing it does can leave the
 * machine. Not part of `npm test`: it downloads ~100 MB.
 *
 *   npm run probe:codex -- [--codex-dir DIR] [--out DIR] [--runs N] [--calls N] [--seed S]
 *                          [--max-findings N] [--shrink-budget N]
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { quote } from "shell-quote";

const CODEX_VERSION = "0.171.0";
const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const BUNDLE = path.resolve(REPO_ROOT, "../shared/corpus/codex-0.171.0/codex_app_server_protocol.schemas.json");
const INIT = path.join(REPO_ROOT, "scripts/probe-codex.init.json");

/**
 * Methods that work offline and stay inside the session's CODEX_HOME and working folder. Left
 * out on purpose: fs/*, command/*, process/*, thread/shellCommand (they touch the real disk or
 * run programs with generated arguments); everything that needs a model or a service
 * (turn/start, turn/steer, review/start, thread/compact/start, thread/sample, thread/realtime/*,
 * thread/prediction/request, thread/guardianReview, account/* but account/read, app/*, plugin/*,
 * marketplace/*, mcpServer/*, feedback/upload, remoteControl/* but status/read); what reads the
 * user's other tools or real home (externalAgentConfig/*, fuzzyFileSearch*); what writes
 * configuration (config/value/write, config/batchWrite, skills/config/write, skills/extraRoots/set,
 * modelProvider/config/write, modelProvider/default/set, experimentalFeature/enablement/set);
 * biometrics (userVerification/*) and Windows setup.
 */
const ALLOWED_METHODS = [
  "initialize", "initialized",
  "thread/start", "thread/resume", "thread/fork", "thread/read", "thread/list", "thread/loaded/list",
  "thread/name/set", "thread/archive", "thread/unarchive", "thread/unsubscribe", "thread/delete",
  "thread/turns/list", "thread/items/list", "thread/timeline/list", "thread/search", "thread/metadata/update",
  "thread/goal/get", "thread/goal/set", "thread/goal/clear", "thread/memory/read", "thread/memoryMode/set",
  "thread/backgroundTerminals/list", "thread/settings/update", "thread/readState/update",
  "thread/queue/add", "thread/queue/list", "thread/queue/delete", "thread/queue/reorder", "thread/queue/update", "thread/queue/start",
  "threadSection/list", "threadSection/create", "threadSection/update", "threadSection/delete", "thread/section/move",
  "turn/interrupt",
  "model/list", "modelProvider/list", "modelProvider/capabilities/read", "collaborationMode/list",
  "experimentalFeature/list", "permissionProfile/list", "config/read", "configRequirements/read",
  "skills/list", "hooks/list", "mcpServerStatus/list", "server/diagnostics", "memory/status",
  "account/read", "remoteControl/status/read", "windowsSandbox/readiness", "project/list", "project/read",
  "mock/experimentalMethod",
];

/** Faults of one kind (and error code) recorded before the kind as a whole is ignored. */
const KIND_LIMIT = 3;

/** A closed loopback port as the model endpoint: a turn that starts anyway fails at once, locally. */
const OFFLINE_CONFIG = ["-c", 'model_provider="probe"', "-c", 'model_providers.probe={name="probe",base_url="http://127.0.0.1:9/v1",wire_api="responses"}'];

interface Options {
  codexDir: string | undefined;
  out: string;
  runs: string;
  calls: string;
  seed: string;
  maxFindings: number;
  shrinkBudget: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      "codex-dir": { type: "string" },
      out: { type: "string" },
      runs: { type: "string" },
      calls: { type: "string" },
      seed: { type: "string" },
      "max-findings": { type: "string" },
      "shrink-budget": { type: "string" },
    },
  });
  return {
    codexDir: values["codex-dir"],
    out: path.resolve(values.out ?? path.join(REPO_ROOT, "tmp/probe-codex")),
    runs: values.runs ?? "3",
    calls: values.calls ?? "60",
    seed: values.seed ?? "171",
    maxFindings: Number(values["max-findings"] ?? "12"),
    shrinkBudget: values["shrink-budget"] ?? "40",
  };
}

function log(text: string): void {
  process.stderr.write(`[probe:codex] ${text}\n`);
}

/** Installs Codex from the registry and finds the native binary its platform package carries. */
function installCodex(dir: string | undefined): { root: string; binary: string; platformPackage: string; removeAfter: boolean } {
  const root = dir ?? mkdtempSync(path.join(tmpdir(), "probe-codex-install-"));
  const triple = process.arch === "arm64" ? "aarch64-unknown-linux-musl" : "x86_64-unknown-linux-musl";
  const platformPackage = process.arch === "arm64" ? "@openai/codex-linux-arm64" : "@openai/codex-linux-x64";
  const binary = path.join(root, "node_modules", platformPackage, "vendor", triple, "bin", "codex");
  if (dir === undefined || !existsSync(binary)) {
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ private: true }) + "\n");
    log(`installing @openai/codex@${CODEX_VERSION} from the npm registry into ${root}`);
    const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", `@openai/codex@${CODEX_VERSION}`], { cwd: root, stdio: "inherit" });
    if (npm.status !== 0) throw new Error(`npm install failed (${npm.status})`);
  }
  if (!existsSync(binary)) {
    throw new Error(`the platform package ${platformPackage} did not arrive (no ${binary}); Codex would have to download its binary from elsewhere`);
  }
  const alias = JSON.parse(readFileSync(path.join(root, "node_modules", platformPackage, "package.json"), "utf8")) as { name: string; version: string };
  log(`the Linux binary arrived as the registry package ${platformPackage} (npm alias of ${alias.name}@${alias.version}): ${binary}`);
  return { root, binary, platformPackage, removeAfter: dir === undefined };
}

/** `unshare -n` as root, `unshare -rn` otherwise; undefined when neither works here. */
function isolation(): string[] | undefined {
  for (const flags of [["-n"], ["-rn"]]) {
    const probe = spawnSync("unshare", [...flags, "--", "sh", "-c", "ip link set lo up"], { stdio: "ignore" });
    if (probe.status === 0) return ["unshare", ...flags, "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"];
  }
  return undefined;
}

interface ProbeOutcome {
  readonly report: {
    ok: boolean;
    calls: number;
    finding: { kind: string; method: string; received?: string; code?: number; detail: string } | null;
    methods: Record<string, unknown>;
    notifications: Record<string, number>;
  };
  readonly transcript: string;
}

function runProbe(prefix: string[] | undefined, workDir: string, args: string[], transcript: string): Promise<ProbeOutcome> {
  const tsx = path.join(REPO_ROOT, "node_modules/.bin/tsx");
  const argv = [...(prefix ?? []), tsx, path.join(REPO_ROOT, "codegen/cli.ts"), "probe", ...args, "--format", "json", "--transcript", transcript];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: workDir, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 && code !== 1) {
        reject(new Error(`the probe exited with ${code}`));
        return;
      }
      resolve({ report: JSON.parse(stdout) as ProbeOutcome["report"], transcript });
    });
  });
}

async function main(): Promise<number> {
  const opts = options();
  if (!existsSync(BUNDLE)) {
    log(`needs ${BUNDLE} (Codex 0.171.0's protocol bundle in ../shared/corpus); nothing to do without it`);
    return 2;
  }
  const codex = installCodex(opts.codexDir);
  const prefix = isolation();
  if (prefix === undefined) log("WARNING: no network namespace available (unshare); Codex runs with only its model provider pointed at loopback");
  else log(`Codex runs inside a network namespace with loopback only (${prefix.slice(0, prefix.indexOf("--")).join(" ")})`);
  mkdirSync(opts.out, { recursive: true });
  const workDir = mkdtempSync(path.join(tmpdir(), "probe-codex-work-"));
  const summary: Array<Record<string, unknown>> = [];
  try {
    // Known faults carry over from stdio to WebSocket: the second transport looks for what is new.
    const ignore: string[] = [];
    const seenByKind = new Map<string, number>();
    for (const transport of ["stdio", "ws"] as const) {
      const listen = transport === "stdio" ? [] : ["--listen", "ws://127.0.0.1:{port}"];
      const server = ["env", "CODEX_HOME={tmp}", codex.binary, "app-server", ...OFFLINE_CONFIG, ...listen];
      for (let round = 1; round <= opts.maxFindings; round++) {
        const name = `${transport}-${String(round).padStart(2, "0")}`;
        const transcript = path.join(opts.out, `${name}.ndjson`);
        const args = [
          "--schema", BUNDLE,
          "--server", quote(server),
          "--listen", transport === "stdio" ? "stdio" : "ws://127.0.0.1:{port}",
          "--init", INIT,
          // Codex answers params it cannot deserialize with -32600 "Invalid request: <serde error>",
          // and uses -32600 for other refusals too ("thread not found"): the prefix tells them apart.
          "--invalid-params-code", "-32600",
          "--invalid-params-message", "^Invalid request: ",
          "--timeout-ms", "15000",
          // A Codex session takes seconds to start: shrinking gets a bounded share of the time.
          "--shrink-budget", opts.shrinkBudget,
          "--runs", opts.runs,
          "--calls", opts.calls,
          "--seed", String(Number(opts.seed) + round - 1),
          "--methods", ...ALLOWED_METHODS,
          ...ignore.flatMap((pattern) => ["--ignore", pattern]),
        ];
        log(`${name}: ${ignore.length} known finding(s) ignored`);
        const outcome = await runProbe(prefix, workDir, args, transcript);
        writeFileSync(path.join(opts.out, `${name}.json`), JSON.stringify(outcome.report, null, 2) + "\n");
        const finding = outcome.report.finding;
        summary.push({ transport, round, calls: outcome.report.calls, finding, transcript: finding === null ? null : path.basename(transcript) });
        if (finding === null) {
          log(`${name}: clean (${outcome.report.calls} calls)`);
          break;
        }
        log(`${name}: ${finding.kind} ${finding.received ?? finding.method}: ${finding.detail.split("\n")[0]}`);
        // After KIND_LIMIT faults of one kind (and error code) the kind as a whole is set aside,
        // so that the rounds left go to other faults rather than to more of the same.
        const family = finding.code === undefined ? finding.kind : `${finding.kind}:**:${finding.code}`;
        const seen = (seenByKind.get(family) ?? 0) + 1;
        seenByKind.set(family, seen);
        ignore.push(seen >= KIND_LIMIT ? family : `${finding.kind}:${finding.received ?? finding.method}`);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    if (codex.removeAfter) rmSync(codex.root, { recursive: true, force: true });
  }
  writeFileSync(path.join(opts.out, "summary.json"), JSON.stringify({ codex: CODEX_VERSION, platformPackage: codex.platformPackage, isolated: prefix !== undefined, runs: summary }, null, 2) + "\n");
  log(`reports and transcripts in ${opts.out}`);
  return 0;
}

process.exitCode = await main();
