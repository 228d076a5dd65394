/**
 * The validators emitter: ajv standalone code for every type, compiled at codegen time, and
 * typed `is<Name>` / `validate<Name>` wrappers per namespace (see docs/DESIGN.md).
 */
import type { Emitter, GeneratedFile } from "../../model/model.js";
import { compileValidators } from "./compile.js";
import { FORMATS_DTS, FORMATS_JS, formatsDeclarations, formatsModule } from "./formats-module.js";
import { namespaceModules } from "./namespace-modules.js";
import { RESULT_TS, resultModule } from "./result-module.js";
import { STANDALONE_DTS, STANDALONE_JS, standaloneDeclarations, standaloneModule } from "./standalone-module.js";

export const emitValidators: Emitter = (model) => {
  const compiled = compileValidators(model);
  const source = model.sourceLabel;
  // formats.js is written even when no schema uses a format: result.ts reads its hints.
  const files: GeneratedFile[] = [
    { path: FORMATS_DTS, contents: formatsDeclarations(source) },
    { path: FORMATS_JS, contents: formatsModule(compiled.formats, source) },
    { path: RESULT_TS, contents: resultModule(source) },
    { path: STANDALONE_DTS, contents: standaloneDeclarations(compiled, source) },
    { path: STANDALONE_JS, contents: standaloneModule(compiled, source) },
    ...namespaceModules(compiled, source),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};
