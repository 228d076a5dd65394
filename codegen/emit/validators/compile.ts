/**
 * Compiles every type of the model with one ajv instance at codegen time and returns ajv's
 * standalone ESM source. Nothing here runs in the generated code; the generated code only
 * needs ajv's small runtime helpers and validators/formats.ts.
 *
 * Two steps: planning (the export name of each type, checked, and the formats, which must be
 * known) and ajv's compile (ajv-compile.ts), which the CLI runs in a worker thread.
 */
import type { NamedType, ProtocolModel } from "../../model/model.js";
import { knownFormat, type KnownFormat } from "../../formats/index.js";
import { InvalidNameError } from "../shared/name-error.js";
import type { Ajv } from "ajv";
import { checkValues, compileStandalone, createValidationAjv, type CheckProblems, type StandaloneRequest, type StandaloneResult, type ValueCheck } from "./ajv-compile.js";
import { assertTypeNames, ModuleNames, standaloneExportName } from "./names.js";
import { standaloneRequest } from "./request.js";
import { usedFormats } from "./used-formats.js";

export { BUNDLE_ID, bundleSchema, FORMATS_BINDING, VALIDATION_OPTIONS, type CheckProblems, type ValueCheck } from "./ajv-compile.js";

export interface CompiledValidators {
  /** ajv's standalone ESM source, exactly as ajv printed it. */
  readonly source: string;
  /** Export name in `source` per type, in model order, and the name of ajv's function it exports. */
  readonly exports: readonly { readonly type: NamedType; readonly exportName: string; readonly functionName: string }[];
  /** The formats the model uses, sorted by name. */
  readonly formats: readonly KnownFormat[];
}

/** What ajv is asked to compile, with the names and formats checked; throws InvalidNameError. */
export interface ValidatorsPlan {
  readonly request: StandaloneRequest;
  readonly formats: readonly KnownFormat[];
}

export function planValidators(model: ProtocolModel): ValidatorsPlan {
  const formats = resolveFormats(model);
  const names = new ModuleNames("validators/standalone.ts");
  for (const type of model.types) {
    assertTypeNames(type);
    names.claim(standaloneExportName(type), `type "${type.id}"`);
  }
  return { request: standaloneRequest(model), formats };
}

/** A type and the name of its export in standalone.ts. */
export interface PlannedExport {
  readonly type: NamedType;
  readonly exportName: string;
}

export function plannedExports(plan: ValidatorsPlan): PlannedExport[] {
  const { types, exports } = plan.request;
  return exports.map(({ exportName, typeIndex }) => ({ type: types[typeIndex] as NamedType, exportName }));
}

/** The plan and what ajv made of it, as the emitter's modules use them. */
export function compiledFrom(plan: ValidatorsPlan, result: StandaloneResult): CompiledValidators {
  return {
    source: result.source,
    exports: plannedExports(plan).map((planned, index) => ({ ...planned, functionName: result.functionNames[index] ?? "" })),
    formats: plan.formats,
  };
}

export function compileValidators(model: ProtocolModel): CompiledValidators {
  const plan = planValidators(model);
  return compiledFrom(plan, compileStandalone(plan.request));
}

const validationAjvByModel = new WeakMap<ProtocolModel, Ajv>();

/**
 * An ajv that checks values exactly as the generated validators do (the options, formats and
 * bundle standalone.ts is printed from), compiling a type when it is first asked for, for an
 * emitter that validates at codegen time in-process. The CLI checks them in the compile
 * worker instead (checkValuesInWorker), where every type is compiled already.
 */
export function validationAjv(model: ProtocolModel): Ajv {
  let ajv = validationAjvByModel.get(model);
  if (ajv === undefined) {
    ajv = createValidationAjv(resolveFormats(model).map((format) => format.name), model.types);
    validationAjvByModel.set(model, ajv);
  }
  return ajv;
}

/** Per value, ajv's errors (empty when valid), as the generated validators report them. */
export function checkValuesInProcess(model: ProtocolModel, checks: readonly ValueCheck[]): CheckProblems[] {
  return checkValues(validationAjv(model), checks);
}

function resolveFormats(model: ProtocolModel): KnownFormat[] {
  return usedFormats(model.types).map(({ format, typeId }) => {
    const known = knownFormat(format);
    if (known === undefined) {
      throw new InvalidNameError(
        `type "${typeId}": unknown format ${JSON.stringify(format)}; use one of schemars' numeric formats or an ajv-formats format`,
      );
    }
    return known;
  });
}

