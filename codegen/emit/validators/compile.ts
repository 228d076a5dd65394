/**
 * Compiles every type of the model with one ajv instance at codegen time and returns ajv's
 * standalone ESM source. Nothing here runs in the generated code; the generated code only
 * needs ajv's small runtime helpers and validators/formats.js.
 */
import { Ajv, Name } from "ajv";
// A CommonJS module: under NodeNext its default import is `module.exports`, whose `default`
// is the function.
import standalone from "ajv/dist/standalone/index.js";
import type { JsonSchemaObject, NamedType, ProtocolModel } from "../../model/model.js";
import { knownFormat, type KnownFormat } from "../../formats/index.js";
import { nestDefinitions } from "../bundle/definitions.js";
import { InvalidNameError } from "../shared/identifiers.js";
import { assertTypeNames, ModuleNames, standaloneExportName } from "./names.js";
import { usedFormats } from "./used-formats.js";

/** The `$id` of the bundle schema; type ids resolve as `protocol#/definitions/<id>`. */
export const BUNDLE_ID = "protocol";

/**
 * The identifier standalone.js binds the formats map to (imported from ./formats.js); ajv
 * writes format checks as `<this name>.uint32.validate(…)`.
 */
export const FORMATS_BINDING = "protocolFormats";

export interface CompiledValidators {
  /** ajv's standalone ESM source, exactly as ajv printed it. */
  readonly source: string;
  /** Export name in `source` per type, in model order. */
  readonly exports: readonly { readonly type: NamedType; readonly exportName: string }[];
  /** The formats the model uses, sorted by name. */
  readonly formats: readonly KnownFormat[];
}

/** Per model: the compiled result and the ajv instance it was printed from. */
const compiledByModel = new WeakMap<ProtocolModel, { compiled: CompiledValidators; ajv: Ajv }>();

export function compileValidators(model: ProtocolModel): CompiledValidators {
  return compiledFor(model).compiled;
}

/**
 * The ajv instance the generated validators were printed from, every type compiled. Another
 * emitter that validates at codegen time (the docs emitter's examples) uses it, so it runs
 * exactly the generated validators' code, and the protocol is compiled once per model in the
 * same order whichever emitter asks first. A type's validator: `ajv.getSchema(validatorRef(id))`.
 */
export function compiledValidatorAjv(model: ProtocolModel): Ajv {
  return compiledFor(model).ajv;
}

/** The ref of a type inside the validators' bundle schema. */
export function validatorRef(id: string): string {
  return `${BUNDLE_ID}#/definitions/${id}`;
}

function compiledFor(model: ProtocolModel): { compiled: CompiledValidators; ajv: Ajv } {
  const cached = compiledByModel.get(model);
  if (cached !== undefined) return cached;
  const formats = resolveFormats(model);
  const ajv = createAjv(formats);
  ajv.addSchema(bundleSchema(model.types));

  const names = new ModuleNames("validators/standalone.js");
  const refs: Record<string, string> = {};
  const exports = model.types.map((type) => {
    assertTypeNames(type);
    const exportName = names.claim(standaloneExportName(type), `type "${type.id}"`);
    const ref = validatorRef(type.id);
    compileOne(ajv, ref, type);
    refs[exportName] = ref;
    return { type, exportName };
  });
  const entry = { compiled: { source: standalone.default(ajv, refs), exports, formats }, ajv };
  compiledByModel.set(model, entry);
  return entry;
}

// Compiling here, one type at a time, lets an error name the type (ajv's own message names
// only a path inside the bundle); standaloneCode then reuses the compiled functions.
function compileOne(ajv: Ajv, ref: string, type: NamedType): void {
  try {
    ajv.getSchema(ref);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`type "${type.id}" (${type.source.file}): ajv cannot compile its schema: ${reason}`, { cause: error });
  }
}

function createAjv(formats: readonly KnownFormat[]): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // strictTypes wants `"type": "object"` beside every `properties`; upstream's
    // ServerNotification puts a shared `properties` next to its `oneOf` of object variants,
    // valid draft-07 that ajv compiles correctly. Every other strict check stays on.
    strictTypes: false,
    code: { source: true, esm: true, lines: false, optimize: true, formats: new Name(FORMATS_BINDING) },
  });
  for (const format of formats) ajv.addFormat(format.name, format.definition);
  return ajv;
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

/**
 * One schema holding every type under `definitions`, nested by namespace the way type ids
 * are, so the normal-form refs (`#/definitions/v2/X`) resolve inside it unchanged.
 */
export function bundleSchema(types: readonly NamedType[]): JsonSchemaObject {
  return { $id: BUNDLE_ID, definitions: nestDefinitions(types, withoutDocumentKeywords) };
}

// `$schema` only means something at a document's root; inside the bundle it would be noise.
function withoutDocumentKeywords(type: NamedType): JsonSchemaObject {
  const schema = type.schema;
  if (!Object.hasOwn(schema, "$schema")) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
