/**
 * The validators emitter: ajv standalone code for every type, compiled at codegen time, and
 * typed `is<Name>` / `validate<Name>` wrappers per namespace (see docs/DESIGN.md).
 */
import type { DeferredEmitter, Emitter, GeneratedFile, ProtocolModel } from "../../model/model.js";
import { headerOf } from "../shared/header.js";
import { compileValidators, plannedExports, type CompiledValidators, type PlannedExport } from "./compile.js";
import { compileValidatorsInWorker, planOfCompileInWorker } from "./compile-in-worker.js";
import { FORMATS_TS, formatsModule } from "./formats-module.js";
import { namespaceModules } from "./namespace-modules.js";
import { RESULT_TS, resultModule } from "./result-module.js";
import { STANDALONE_TS, standaloneModule } from "./standalone-module.js";

export const emitValidators: Emitter = (model) => {
  const compiled = compileValidators(model);
  return sortedByPath([...filesBeforeCompile(model, compiled), standaloneFile(model, compiled)]);
};

/**
 * The same files, with ajv's compile in a worker thread while other emitters run (the CLI's);
 * the modules that need only the plan are printed here while the worker compiles.
 */
export const emitValidatorsInWorker: DeferredEmitter = {
  name: "emitValidators",
  start: async (model) => {
    const compiling = compileValidatorsInWorker(model);
    compiling.catch(() => undefined);
    const plan = await planOfCompileInWorker(model);
    const before = filesBeforeCompile(model, { exports: plannedExports(plan), formats: plan.formats });
    return sortedByPath([...before, standaloneFile(model, await compiling)]);
  },
};

function filesBeforeCompile(model: ProtocolModel, planned: Pick<CompiledValidators, "formats"> & { readonly exports: readonly PlannedExport[] }): GeneratedFile[] {
  const source = headerOf(model);
  // formats.ts is written even when no schema uses a format: result.ts reads its hints.
  return [
    { path: FORMATS_TS, contents: formatsModule(planned.formats, source) },
    { path: RESULT_TS, contents: resultModule(source) },
    ...namespaceModules(planned.exports, source),
  ];
}

function standaloneFile(model: ProtocolModel, compiled: CompiledValidators): GeneratedFile {
  return { path: STANDALONE_TS, contents: standaloneModule(compiled, headerOf(model)) };
}

function sortedByPath(files: GeneratedFile[]): GeneratedFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
