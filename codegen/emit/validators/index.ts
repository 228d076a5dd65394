/**
 * The validators emitter: ajv standalone code for every type, compiled at codegen time, and
 * typed `is<Name>` / `validate<Name>` wrappers per namespace (see docs/DESIGN.md).
 */
import type { DeferredEmitter, Emitter, GeneratedFile, ProtocolModel } from "../../model/model.js";
import { headerOf } from "../shared/header.js";
import { compileValidators, type CompiledValidators } from "./compile.js";
import { compileValidatorsInWorker } from "./compile-in-worker.js";
import { FORMATS_TS, formatsModule } from "./formats-module.js";
import { namespaceModules } from "./namespace-modules.js";
import { RESULT_TS, resultModule } from "./result-module.js";
import { STANDALONE_TS, standaloneModule } from "./standalone-module.js";

export const emitValidators: Emitter = (model) => validatorFiles(model, compileValidators(model));

/** The same files, with ajv's compile in a worker thread while other emitters run (the CLI's). */
export const emitValidatorsInWorker: DeferredEmitter = {
  name: "emitValidators",
  replaces: emitValidators,
  start: async (model) => validatorFiles(model, await compileValidatorsInWorker(model)),
};

function validatorFiles(model: ProtocolModel, compiled: CompiledValidators): GeneratedFile[] {
  const source = headerOf(model);
  // formats.ts is written even when no schema uses a format: result.ts reads its hints.
  const files: GeneratedFile[] = [
    { path: FORMATS_TS, contents: formatsModule(compiled.formats, source) },
    { path: RESULT_TS, contents: resultModule(source) },
    { path: STANDALONE_TS, contents: standaloneModule(compiled, source) },
    ...namespaceModules(compiled, source),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
