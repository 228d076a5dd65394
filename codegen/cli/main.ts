import path from "node:path";
import { formatSchemaError, SchemaInputError, sortSchemaErrors } from "../errors.js";
import { displayPath } from "../load/paths.js";
import type { DeferredEmitter, Emitter, ProtocolModel } from "../model/model.js";
import { applyPlan } from "./apply-plan.js";
import { isGeneratedContent } from "./generated-marker.js";
import { checkRecordSettings, inputsDigest, provenUpToDate, recordUpToDate, type CheckRequest } from "./check-record.js";
import { helpText, parseCliArgs, type CliOptions } from "./options.js";
import { codegenCommand, modelForHeaders } from "./provenance.js";
import { isUpToDate, planOutput } from "./output-plan.js";
import { OutputNotADirectoryError, readOutputTree } from "./output-tree.js";
import { runEmitters } from "./run-emitters.js";
import { writeScaffold } from "./scaffold.js";

/** Where the CLI talks to; tests pass collectors and a temporary cwd. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

/** The emitters to run; injectable so tests do not depend on the real emitters. */
export interface Toolkit {
  readonly emitters: readonly (Emitter | DeferredEmitter)[];
  /** The scaffold for a target folder and the output folder its stubs import from. */
  readonly scaffoldEmitter: (scaffoldDir: string, outDir: string) => Emitter;
}

export const ExitCode = {
  ok: 0,
  /** --check found drift. */
  drift: 1,
  /** The user must fix the input: schema errors, arguments, a foreign file in the way. */
  inputError: 2,
  internalError: 3,
} as const;

export async function main(argv: readonly string[], io: CliIo, toolkit?: Toolkit): Promise<number> {
  try {
    return await run(argv, io, toolkit);
  } catch (cause) {
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    io.stderr(`codegen: internal error (a bug in codegen or an emitter, please report it):\n${detail}\n`);
    return ExitCode.internalError;
  }
}

async function run(argv: readonly string[], io: CliIo, toolkit: Toolkit | undefined): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.stderr(`codegen: ${parsed.message}\n`);
    return ExitCode.inputError;
  }
  const options = parsed.options;
  if (options.help) {
    io.stdout(helpText);
    return ExitCode.ok;
  }
  // The loader (ajv, json-schema-ref-parser), the emitters (typescript) and the diff printer
  // are imported only when needed: a --check answered by its record loads none of them.
  const records = toolkit === undefined && options.scaffold === undefined ? checkRecordSettings() : undefined;
  const generation = options.defaultedParams === "required" ? "" : `--defaulted-params ${options.defaultedParams}`;
  const request: CheckRequest = { cwd: io.cwd, schema: options.schema, out: options.out, generation, ...(options.registry === undefined ? {} : { registry: options.registry }) };
  const inputsBefore = records?.directory === undefined ? undefined : await inputsDigest(request, records);
  if (options.check && records !== undefined && inputsBefore !== undefined) {
    const proven = await provenUpToDate(request, records, inputsBefore);
    if (proven !== undefined) {
      io.stdout(upToDateMessage(displayPath(path.resolve(io.cwd, options.out), io.cwd), proven.fileCount, proven.sourceLabel));
      return ExitCode.ok;
    }
  }
  // The worker threads start now, so their start-up overlaps loading the schema.
  if (toolkit === undefined && options.scaffold === undefined) {
    (await import("../emit/validators/compile-worker-handle.js")).prestartCompileWorker();
    (await import("../emit/docs/in-worker-handle.js")).prestartDocsWorker();
  }
  const { loadProtocol } = await import("../load/index.js");
  const loaded = await loadProtocol(options.schema, { cwd: io.cwd, ...(options.registry === undefined ? {} : { registry: options.registry }) });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr(formatSchemaError(error) + "\n");
    const count = loaded.errors.length;
    io.stderr(`codegen: ${count} schema error${count === 1 ? "" : "s"} in ${displayPath(path.resolve(io.cwd, options.schema), io.cwd)}; nothing was written.\n`);
    return ExitCode.inputError;
  }
  for (const warning of loaded.warnings) io.stderr(`warning: ${formatSchemaError(warning)}\n`);
  // Messages name paths as the user gave them; headers name them from the project folder.
  const model = modelForHeaders(loaded.model, options, io.cwd);
  const kit = toolkit ?? (await defaultToolkit(options, model));
  const sourceLabel = loaded.model.sourceLabel;

  if (options.scaffold !== undefined) {
    const directory = path.resolve(io.cwd, options.scaffold);
    const label = displayPath(directory, io.cwd);
    const emitter = kit.scaffoldEmitter(directory, path.resolve(io.cwd, options.out));
    const outcome = await writeScaffold(directory, await runEmitters([emitter], model));
    for (const file of outcome.written) io.stdout(`wrote ${label}/${file}\n`);
    for (const file of outcome.kept) io.stdout(`kept ${label}/${file} (exists; scaffold never overwrites)\n`);
    if (toolkit === undefined && outcome.kept.includes("index.ts")) await completeIndex(path.join(directory, "index.ts"), `${label}/index.ts`, model, io);
    io.stdout(`codegen --scaffold: ${outcome.written.length} written, ${outcome.kept.length} kept in ${label}.\n`);
    return ExitCode.ok;
  }

  let files;
  try {
    files = await runEmitters(kit.emitters, model);
  } catch (cause) {
    if (!(cause instanceof SchemaInputError)) throw cause;
    for (const error of sortSchemaErrors(cause.errors)) io.stderr(formatSchemaError(error) + "\n");
    const count = cause.errors.length;
    io.stderr(`codegen: ${count} schema error${count === 1 ? "" : "s"} found while generating; nothing was written.\n`);
    return ExitCode.inputError;
  } finally {
    // The compile worker holds every compiled type; the docs worker ends with its answer.
    if (toolkit === undefined) (await import("../emit/validators/compile-in-worker.js")).closeCompileWorker(model);
  }
  const outDir = path.resolve(io.cwd, options.out);
  const outLabel = displayPath(outDir, io.cwd);
  let existing;
  try {
    existing = await readOutputTree(outDir);
  } catch (cause) {
    if (!(cause instanceof OutputNotADirectoryError)) throw cause;
    io.stderr(`codegen: --out ${outLabel} is a file, not a directory; choose a directory for the generated files\n`);
    return ExitCode.inputError;
  }
  const plan = planOutput(files, existing);

  const verified = { fileCount: files.length, sourceLabel };
  if (options.check) {
    if (isUpToDate(plan)) {
      if (records !== undefined) await recordUpToDate(request, records, inputsBefore, existing, verified);
      io.stdout(upToDateMessage(outLabel, files.length, sourceLabel));
      return ExitCode.ok;
    }
    const { driftDiff, driftSummary } = await import("./drift-report.js");
    io.stdout(driftDiff(outLabel, plan));
    io.stdout(driftSummary(plan, regenerateCommand(options)) + "\n");
    return ExitCode.drift;
  }

  if (plan.foreign.length > 0) {
    for (const { file } of plan.foreign) {
      io.stderr(
        `${outLabel}/${file.path}: this file was not generated by codegen (no "Generated by codegen" in its first 5 lines) and codegen will not overwrite it; move or delete it, or choose another --out\n`,
      );
    }
    io.stderr(`codegen: ${plan.foreign.length} hand-written file${plan.foreign.length === 1 ? "" : "s"} in the way; nothing was written.\n`);
    return ExitCode.inputError;
  }
  await applyPlan(outDir, plan);
  if (records !== undefined) {
    // The tree the plan made, which the next --check will hash; if anything else touches the
    // folder meanwhile, that check's digest differs and it runs in full.
    const written = new Map(existing);
    for (const stale of plan.remove) written.delete(stale.path);
    for (const file of files) written.set(file.path, { path: file.path, contents: file.contents, generated: isGeneratedContent(file.contents) });
    if (isUpToDate(planOutput(files, written))) await recordUpToDate(request, records, inputsBefore, written, verified);
  }
  for (const stale of plan.remove) io.stdout(`removed stale ${outLabel}/${stale.path}\n`);
  const written = plan.create.length + plan.update.length;
  io.stdout(
    `codegen: ${outLabel}: ${written} written, ${plan.unchanged.length} unchanged, ${plan.remove.length} removed (from ${sourceLabel}).\n`,
  );
  return ExitCode.ok;
}

/** A handlers index scaffolded earlier gets the methods added since (ts-morph, loaded only here). */
async function completeIndex(file: string, label: string, model: ProtocolModel, io: CliIo): Promise<void> {
  const { scaffoldEntries } = await import("../emit/server/scaffold.js");
  const { completeHandlersIndex } = await import("./scaffold-index.js");
  const completion = await completeHandlersIndex(file, scaffoldEntries(model));
  if (completion.kind === "unrecognised") {
    io.stdout(`left ${label} as it is (${completion.reason}); list the new handlers there yourself\n`);
    return;
  }
  for (const method of completion.added) io.stdout(`added ${method} to ${label}\n`);
}

// Imported on demand so `--help` and schema errors do not pay for loading every emitter.
// ajv's compile and the docs site run in worker threads while the other emitters print
// TypeScript here (the site's examples are checked by the validators the compile made); both
// get their work before this thread loads the emitters' modules.
async function defaultToolkit(options: CliOptions, model: ProtocolModel): Promise<Toolkit> {
  if (options.scaffold === undefined) {
    // Errors surface when runEmitters awaits the same work.
    (await import("../emit/validators/compile-in-worker.js")).compileValidatorsInWorker(model).catch(() => undefined);
    (await import("../emit/docs/in-worker.js")).emitDocsInWorker.start(model).catch(() => undefined);
  }
  const { emittersInOrder } = await import("../emit/order.js");
  const { handlerStubsEmitterFor } = await import("../emit/server/scaffold.js");
  const { emitValidatorsInWorker } = await import("../emit/validators/index.js");
  const { emitDocsInWorker } = await import("../emit/docs/in-worker.js");
  return { emitters: emittersInOrder<Emitter | DeferredEmitter>({ defaultedParams: options.defaultedParams }, emitValidatorsInWorker, emitDocsInWorker), scaffoldEmitter: handlerStubsEmitterFor };
}

function upToDateMessage(outLabel: string, fileCount: number, sourceLabel: string): string {
  return `codegen --check: ${outLabel} is up to date (${fileCount} generated files from ${sourceLabel}).\n`;
}

/** The command that brings the output up to date from the user's working directory, repeating only non-default flags. */
function regenerateCommand(options: CliOptions): string {
  return codegenCommand(options, (given) => given, true);
}
