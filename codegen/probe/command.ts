/**
 * `npm run codegen -- probe …`: reads the flags, loads the schemas with the codegen loader,
 * runs the probe (or replays a transcript) and turns the outcome into an exit code for CI.
 */
import { randomInt } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatSchemaError } from "../errors.js";
import { loadProtocol } from "../load/index.js";
import { parseProbeArgs, probeHelp, PROBE_DEFAULTS } from "./args.js";
import { readInitFile } from "./init-file.js";
import { parseIgnore } from "./findings.js";
import { globToRegExp, MethodIndex, selectMethods } from "./methods.js";
import { probeJson, probeText, replayJson, replayText } from "./report.js";
import { ProbeInputError, replayTranscript, runProbe } from "./run.js";
import { parseServerCommand } from "./server-command.js";
import { ServerStartError } from "./server-under-test.js";
import { parseTranscript, transcriptLines, type TranscriptHeader } from "./transcript.js";

export interface ProbeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** For `$VAR` in --server; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export const ProbeExit = { ok: 0, finding: 1, inputError: 2, internalError: 3 } as const;

export async function runProbeCommand(argv: readonly string[], io: ProbeIo): Promise<number> {
  try {
    return await probe(argv, io);
  } catch (error) {
    if (error instanceof ServerStartError || error instanceof ProbeInputError) {
      io.stderr(`codegen probe: ${error.message}\n`);
      return ProbeExit.inputError;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`codegen probe: internal error (a bug in the probe, please report it):\n${detail}\n`);
    return ProbeExit.internalError;
  }
}

async function probe(argv: readonly string[], io: ProbeIo): Promise<number> {
  const parsed = parseProbeArgs(argv);
  if (!parsed.ok) {
    io.stderr(`codegen probe: ${parsed.message}\n`);
    return ProbeExit.inputError;
  }
  if (parsed.help) {
    io.stdout(probeHelp);
    return ProbeExit.ok;
  }
  const args = parsed.args;
  let recorded: TranscriptHeader | undefined;
  let replay: Extract<ReturnType<typeof parseTranscript>, { ok: true }> | undefined;
  if (args.replay !== undefined) {
    const file = path.resolve(io.cwd, args.replay);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      io.stderr(`codegen probe: --replay ${args.replay}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`);
      return ProbeExit.inputError;
    }
    const transcript = parseTranscript(text, args.replay);
    if (!transcript.ok) {
      io.stderr(`codegen probe: ${transcript.message}\n`);
      return ProbeExit.inputError;
    }
    replay = transcript;
    recorded = transcript.header;
  }

  const schema = args.schema ?? recorded?.schema ?? PROBE_DEFAULTS.schema;
  const serverText = args.server ?? recorded?.server;
  if (serverText === undefined) {
    io.stderr(`codegen probe: the transcript has no header naming the server; pass --server "CMD ARGS…"\n`);
    return ProbeExit.inputError;
  }
  const listen = args.listen ?? recorded?.listen ?? PROBE_DEFAULTS.listen;
  const command = parseServerCommand(serverText, listen, { env: io.env ?? process.env, cwd: io.cwd });
  if (!command.ok) {
    io.stderr(`codegen probe: ${command.message}\n`);
    return ProbeExit.inputError;
  }
  const loaded = await loadProtocol(schema, { cwd: io.cwd });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr(formatSchemaError(error) + "\n");
    io.stderr(`codegen probe: ${loaded.errors.length} schema error(s) in ${schema}; nothing was sent.\n`);
    return ProbeExit.inputError;
  }
  const model = loaded.model;
  const ignore = parseIgnore(args.ignore, globToRegExp);
  if (!ignore.ok) {
    io.stderr(`codegen probe: ${ignore.message}\n`);
    return ProbeExit.inputError;
  }
  const timeoutMs = args.timeoutMs ?? recorded?.timeoutMs ?? PROBE_DEFAULTS.timeoutMs;
  const invalidParamsCode = args.invalidParamsCode ?? recorded?.invalidParamsCode ?? PROBE_DEFAULTS.invalidParamsCode;
  const invalidParamsMessage = args.invalidParamsMessage ?? recorded?.invalidParamsMessage;
  const common = {
    model,
    server: command.command,
    timeoutMs,
    startTimeoutMs: args.startTimeoutMs,
    settleMs: args.settleMs,
    invalidParamsCode,
    invalidParamsMessage: invalidParamsMessage === undefined ? undefined : new RegExp(invalidParamsMessage, "u"),
    ignore: ignore.filter,
  };

  if (replay !== undefined) {
    const outcome = await replayTranscript(common, replay.sends);
    const verdict = { outcome, recorded: replay.findings };
    io.stdout(args.format === "json" ? replayJson(verdict) : replayText(verdict, args.replay!));
    return outcome.findings.length > 0 ? ProbeExit.finding : ProbeExit.ok;
  }

  const methods = selectMethods(new MethodIndex(model).allOutgoing(), args.methods);
  if (methods.length === 0) {
    io.stderr(`codegen probe: --methods ${args.methods.join(" ")} selects no client → server method of ${schema}\n`);
    return ProbeExit.inputError;
  }
  let init: Awaited<ReturnType<typeof readInitFile>> = { ok: true, messages: [] };
  if (args.init !== undefined) {
    init = await readInitFile(path.resolve(io.cwd, args.init), args.init);
    if (!init.ok) {
      io.stderr(`codegen probe: ${init.message}\n`);
      return ProbeExit.inputError;
    }
  }
  const seed = args.seed ?? randomInt(0, 2 ** 31);
  const report = await runProbe({ ...common, methods, init: init.messages, runs: args.runs, calls: args.calls, seed, shrinkBudget: args.shrinkBudget });
  const header: TranscriptHeader = {
    probe: "transcript",
    version: 1,
    schema,
    server: serverText,
    listen,
    timeoutMs,
    invalidParamsCode,
    ...(invalidParamsMessage === undefined ? {} : { invalidParamsMessage }),
    seed,
  };
  if (report.failure !== undefined && args.transcript !== undefined) {
    await writeFile(path.resolve(io.cwd, args.transcript), transcriptLines(header, report.failure.events).join("\n") + "\n");
  }
  const context = { header, transcriptFile: args.transcript };
  io.stdout(args.format === "json" ? probeJson(report, context) : probeText(report, context));
  return report.failure === undefined ? ProbeExit.ok : ProbeExit.finding;
}
