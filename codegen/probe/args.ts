/** The flags of `codegen probe`, parsed without side effects so they can be tested alone. */
import { parseArgs } from "node:util";

export type ProbeFormat = "text" | "json";

export interface ProbeArgs {
  readonly schema: string | undefined;
  readonly server: string | undefined;
  readonly listen: string | undefined;
  readonly init: string | undefined;
  readonly methods: readonly string[];
  readonly runs: number;
  readonly calls: number;
  readonly seed: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly startTimeoutMs: number;
  readonly settleMs: number;
  readonly invalidParamsCode: number | undefined;
  readonly invalidParamsMessage: string | undefined;
  readonly format: ProbeFormat;
  readonly replay: string | undefined;
  readonly transcript: string | undefined;
  readonly ignore: readonly string[];
  readonly shrinkBudget: number;
}

export type ParsedProbeArgs =
  | { readonly ok: true; readonly help: true }
  | { readonly ok: true; readonly help: false; readonly args: ProbeArgs }
  | { readonly ok: false; readonly message: string };

export const PROBE_DEFAULTS = {
  schema: "schema",
  listen: "stdio",
  runs: 5,
  calls: 400,
  timeoutMs: 5_000,
  startTimeoutMs: 30_000,
  settleMs: 200,
  invalidParamsCode: -32602,
  shrinkBudget: 300,
} as const;

export const probeHelp = `Usage: npm run codegen -- probe --server "CMD ARGS…" [options]

Generates requests from the protocol's schemas — valid params, and params broken on purpose —
sends them to a server, checks every answer and notification against the schemas, and on a
failure shrinks the calls to the shortest sequence that still fails and prints it as a
replayable NDJSON transcript. See docs/probing.md.

  --schema PATH            schema directory or bundle file (default: ${PROBE_DEFAULTS.schema})
  --server "CMD ARGS…"     the server to start, once per session; no shell: quotes and $VAR
                           work, pipes do not. {tmp} is a fresh folder per session, {port} a
                           free loopback port
  --listen stdio|ws://H:P  how to reach it: its stdin/stdout, or a WebSocket URL it listens on
                           ({port} allowed) (default: ${PROBE_DEFAULTS.listen})
  --init FILE              JSON array of messages sent first (the handshake); with an "id"
                           a request, without one a notification
  --methods GLOB…          client → server methods to call; * within a segment, ** across,
                           !GLOB excludes (default: every method)
  --runs N                 sessions, each against a fresh server (default: ${PROBE_DEFAULTS.runs})
  --calls N                generated calls per session (default: ${PROBE_DEFAULTS.calls})
  --seed S                 fast-check seed; the same seed generates the same calls
  --timeout-ms N           longest wait for an answer (default: ${PROBE_DEFAULTS.timeoutMs})
  --start-timeout-ms N     longest wait for a WebSocket server to accept (default: ${PROBE_DEFAULTS.startTimeoutMs})
  --settle-ms N            how long to keep listening after a session's last call (default: ${PROBE_DEFAULTS.settleMs})
  --invalid-params-code N  the error code the protocol answers invalid params with
                           (default: ${PROBE_DEFAULTS.invalidParamsCode}; Codex answers -32600)
  --invalid-params-message REGEX
                           when the protocol uses that code for other errors too: what tells
                           its invalid-params answers apart (Codex: "^Invalid request: ")
  --ignore KIND[:GLOB[:CODE]]
                           a known fault that is counted but does not fail the run, e.g.
                           rejected-valid-params:thread/list or rejected-valid-params:**:-32602
  --shrink-budget N        most sessions shrinking may start (default: ${PROBE_DEFAULTS.shrinkBudget})
  --format text|json       report format (default: text)
  --transcript FILE        also write a failure's transcript to FILE
  --replay FILE            send a transcript's messages to a fresh server and check them again;
                           its header supplies --schema, --server, --listen, --timeout-ms and
                           the --invalid-params-* settings unless given

Exit codes: 0 no finding · 1 a finding (or a replay that still fails) · 2 bad arguments,
schema errors, or a server that does not start · 3 internal error.
`;

/**
 * Before node's parser: `--methods a b c` as well as `--methods a --methods b` (the issue's
 * spelling and node's), and a negative number after a flag (`--invalid-params-code -32600`),
 * which node would take for an option.
 */
function normalise(argv: readonly string[]): string[] {
  const out: string[] = [];
  let inMethods = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--methods") {
      inMethods = true;
      continue;
    }
    const next = argv[index + 1];
    if (arg.startsWith("--") && !arg.includes("=") && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      index++;
      inMethods = false;
      continue;
    }
    if (arg.startsWith("-")) inMethods = false;
    if (inMethods) {
      out.push("--methods", arg);
      continue;
    }
    out.push(arg);
  }
  return out;
}

export function parseProbeArgs(argv: readonly string[]): ParsedProbeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: normalise(argv),
      strict: true,
      allowPositionals: false,
      options: {
        schema: { type: "string" },
        server: { type: "string" },
        listen: { type: "string" },
        init: { type: "string" },
        methods: { type: "string", multiple: true },
        runs: { type: "string" },
        calls: { type: "string" },
        seed: { type: "string" },
        "timeout-ms": { type: "string" },
        "start-timeout-ms": { type: "string" },
        "settle-ms": { type: "string" },
        "invalid-params-code": { type: "string" },
        "invalid-params-message": { type: "string" },
        format: { type: "string" },
        replay: { type: "string" },
        transcript: { type: "string" },
        ignore: { type: "string", multiple: true },
        "shrink-budget": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    return { ok: false, message: `${(cause as Error).message}; see --help` };
  }
  if (values.help === true) return { ok: true, help: true };
  const numbers: Record<string, number | undefined> = {};
  const integerFlags = [
    ["runs", 1],
    ["calls", 1],
    ["seed", Number.MIN_SAFE_INTEGER],
    ["timeout-ms", 1],
    ["start-timeout-ms", 1],
    ["settle-ms", 0],
    ["invalid-params-code", Number.MIN_SAFE_INTEGER],
    ["shrink-budget", 0],
  ] as const;
  for (const [flag, min] of integerFlags) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      return { ok: false, message: `--${flag} ${JSON.stringify(raw)}: expected an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ""}` };
    }
    numbers[flag] = value;
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") return { ok: false, message: `--format ${JSON.stringify(format)}: use text or json` };
  if (values["invalid-params-message"] !== undefined) {
    try {
      new RegExp(values["invalid-params-message"], "u");
    } catch (error) {
      return { ok: false, message: `--invalid-params-message: not a regular expression (${(error as Error).message})` };
    }
  }
  if (values.replay === undefined && values.server === undefined) {
    return { ok: false, message: 'the server to probe is missing: --server "CMD ARGS…" (or --replay FILE); see --help' };
  }
  for (const name of ["schema", "server", "listen", "init", "replay", "transcript"] as const) {
    if (values[name] === "") return { ok: false, message: `--${name} needs a value; see --help` };
  }
  return {
    ok: true,
    help: false,
    args: {
      schema: values.schema,
      server: values.server,
      listen: values.listen,
      init: values.init,
      methods: (values.methods ?? []).flatMap((entry) => entry.split(/[\s,]+/)).filter((glob) => glob !== ""),
      runs: numbers.runs ?? PROBE_DEFAULTS.runs,
      calls: numbers.calls ?? PROBE_DEFAULTS.calls,
      seed: numbers.seed,
      timeoutMs: numbers["timeout-ms"],
      startTimeoutMs: numbers["start-timeout-ms"] ?? PROBE_DEFAULTS.startTimeoutMs,
      settleMs: numbers["settle-ms"] ?? PROBE_DEFAULTS.settleMs,
      invalidParamsCode: numbers["invalid-params-code"],
      invalidParamsMessage: values["invalid-params-message"],
      format,
      replay: values.replay,
      transcript: values.transcript,
      shrinkBudget: numbers["shrink-budget"] ?? PROBE_DEFAULTS.shrinkBudget,
      ignore: (values.ignore ?? []).flatMap((entry) => entry.split(",")).filter((pattern) => pattern !== ""),
    },
  };
}
