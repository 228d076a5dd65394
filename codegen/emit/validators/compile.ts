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
import { isJsonObject } from "../../load/json-pointer.js";
import { mapSubschemas } from "../../load/schema-walk.js";
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
  /** Export name in `source` per type, in model order, and the name of ajv's function it exports. */
  readonly exports: readonly { readonly type: NamedType; readonly exportName: string; readonly functionName: string }[];
  /** The formats the model uses, sorted by name. */
  readonly formats: readonly KnownFormat[];
}

export function compileValidators(model: ProtocolModel): CompiledValidators {
  const formats = resolveFormats(model);
  const ajv = createAjv(formats);
  ajv.addSchema(bundleSchema(model.types, (keyword) => ajv.RULES.keywords[keyword] === true));

  const names = new ModuleNames("validators/standalone.ts");
  const refs: Record<string, string> = {};
  const exports = model.types.map((type) => {
    assertTypeNames(type);
    const exportName = names.claim(standaloneExportName(type), `type "${type.id}"`);
    const ref = `${BUNDLE_ID}#/definitions/${type.id}`;
    const functionName = compileOne(ajv, ref, type);
    refs[exportName] = ref;
    return { type, exportName, functionName };
  });
  return { source: standalone.default(ajv, refs), exports, formats };
}

// Compiling here, one type at a time, lets an error name the type (ajv's own message names
// only a path inside the bundle); standaloneCode then reuses the compiled functions.
function compileOne(ajv: Ajv, ref: string, type: NamedType): string {
  try {
    return String(ajv.getSchema(ref)?.source?.validateName);
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
    // valid draft-07 that ajv compiles correctly. strictTuples (a tuple without minItems and
    // additionalItems, e.g. from 2020-12's prefixItems) and strictRequired (a required name
    // whose property another allOf branch defines) are lint on valid schemas, and a valid
    // schema must never stop codegen. Unknown keywords never get here (see compileForm).
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
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
 * `isKeyword` says which keywords the compiling ajv knows; see compileForm.
 */
export function bundleSchema(types: readonly NamedType[], isKeyword: (keyword: string) => boolean): JsonSchemaObject {
  return { $id: BUNDLE_ID, definitions: nestDefinitions(types, (type) => compileForm(type.schema, isKeyword, true) as JsonSchemaObject) };
}

/**
 * What ajv compiles of a schema: without the keywords that validate nothing — the author's
 * annotations (`x-…`, `enumDescriptions`; the model keeps them, ajv's strict mode would throw
 * on them), `$schema` inside the bundle, `then`/`else` without `if` and `additionalItems`
 * beside a non-array `items` (ignored by the spec; the loader warns about them).
 */
function compileForm(schema: unknown, isKeyword: (keyword: string) => boolean, root = false): unknown {
  if (!isJsonObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (!isKeyword(keyword) || (root && keyword === "$schema") || ignoredBeside(keyword, schema)) continue;
    out[keyword] = mapSubschemas(keyword, value, (subschema) => compileForm(subschema, isKeyword));
  }
  return out;
}

function ignoredBeside(keyword: string, schema: Record<string, unknown>): boolean {
  if (keyword === "then" || keyword === "else") return !("if" in schema);
  if (keyword === "additionalItems") return !Array.isArray(schema["items"]);
  return false;
}
