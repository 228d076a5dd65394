/**
 * ajv's part of the validators emitter: one ajv instance compiles every type of a bundle and
 * prints ajv's standalone ESM source. This module imports neither TypeScript nor the name
 * checks, so it can run in a worker thread beside the emitters that print TypeScript (see
 * compile-in-worker.ts); compile.ts plans the names and runs it in-process.
 */
import { Ajv, Name, type ErrorObject } from "ajv";
// A CommonJS module: under NodeNext its default import is `module.exports`, whose `default`
// is the function.
import standalone from "ajv/dist/standalone/index.js";
import type { JsonSchemaObject, NamedType } from "../../model/model.js";
import { knownFormat } from "../../formats/index.js";
import { nestDefinitions } from "../bundle/definitions.js";
import { isJsonObject } from "../../load/json-pointer.js";
import { mapSubschemas } from "../../load/schema-walk.js";

/** The `$id` of the bundle schema; type ids resolve as `protocol#/definitions/<id>`. */
export const BUNDLE_ID = "protocol";

/**
 * The identifier standalone.ts binds the formats map to (imported from ./formats.js); ajv
 * writes format checks as `<this name>.uint32.validate(…)`.
 */
export const FORMATS_BINDING = "protocolFormats";

/** What to compile: the model's types, and per export its name and the index of its type. */
export interface StandaloneRequest {
  readonly types: readonly NamedType[];
  readonly exports: readonly { readonly exportName: string; readonly typeIndex: number }[];
  /** Names of the formats the types use, all known (the planner checked them). */
  readonly formats: readonly string[];
}

export interface StandaloneResult {
  /** ajv's standalone ESM source, exactly as ajv printed it. */
  readonly source: string;
  /** Per export (in request order), the name of ajv's function it exports. */
  readonly functionNames: readonly string[];
}

/** A value to check against one type (by id), as the generated validator checks it. */
export interface ValueCheck {
  readonly typeId: string;
  readonly value: unknown;
}

/** Per check, ajv's errors; empty when the value is valid. */
export type CheckProblems = readonly ErrorObject[];

export function compileStandalone(request: StandaloneRequest): StandaloneResult {
  return compileStandaloneChecker(request).result;
}

/**
 * The compile, and the compiled validators themselves: the functions ajv printed
 * standalone.ts from check values exactly as the generated code will (the docs emitter's
 * examples), at no further compile cost.
 */
export function compileStandaloneChecker(request: StandaloneRequest): { result: StandaloneResult; check: (checks: readonly ValueCheck[]) => CheckProblems[] } {
  const ajv = createAjv(request.formats, { source: true, esm: true, lines: false, formats: new Name(FORMATS_BINDING) });
  ajv.addSchema(bundleSchema(request.types, (keyword) => ajv.RULES.keywords[keyword] === true));
  const refs: Record<string, string> = {};
  const functionNames = request.exports.map(({ exportName, typeIndex }) => {
    const type = request.types[typeIndex] as NamedType;
    const ref = typeRef(type.id);
    refs[exportName] = ref;
    return compileOne(ajv, ref, type);
  });
  return { result: { source: standalone.default(ajv, refs), functionNames }, check: (checks) => checkValues(ajv, checks) };
}

/** Checks values with an ajv holding the bundle (compiling a type on first use). */
export function checkValues(ajv: Ajv, checks: readonly ValueCheck[]): CheckProblems[] {
  return checks.map(({ typeId, value }) => {
    const validate = ajv.getSchema(typeRef(typeId));
    if (validate === undefined) throw new Error(`no compiled validator for type "${typeId}"`);
    return validate(value) ? [] : [...(validate.errors ?? [])];
  });
}

/** The ref of a type inside the bundle schema. */
export function typeRef(id: string): string {
  return `${BUNDLE_ID}#/definitions/${id}`;
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

/**
 * The options that decide what the compiled functions check and report, and how the code is
 * generated; run-time ajv with these (bench/lib/runtime-ajv.ts) runs the same code.
 */
export const VALIDATION_OPTIONS = {
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
  // Referenced types stay inlined (ajv's default): compiling each once and calling it
  // (inlineRefs: false) measured no faster to compile on the upstream protocol and halved
  // validation throughput (a call per $ref allocates its path and options).
  // ajv's optimizer (names, constant folding) costs about half of the compile and gains ~3%
  // of validation speed (V8 does most of it anyway; bench/README.md): off.
  code: { optimize: false },
} as const;

/**
 * An ajv with the standalone compile's options, formats and bundle but no source printing:
 * its validators accept and reject exactly what the generated ones do. Types compile lazily.
 */
export function createValidationAjv(formats: readonly string[], types: readonly NamedType[]): Ajv {
  const ajv = createAjv(formats, {});
  ajv.addSchema(bundleSchema(types, (keyword) => ajv.RULES.keywords[keyword] === true));
  return ajv;
}

function createAjv(formats: readonly string[], code: { source?: boolean; esm?: boolean; lines?: boolean; formats?: Name }): Ajv {
  const ajv = new Ajv({ ...VALIDATION_OPTIONS, code: { ...VALIDATION_OPTIONS.code, ...code } });
  for (const name of formats) {
    const format = knownFormat(name);
    if (format === undefined) throw new Error(`format ${JSON.stringify(name)} is not known (the planner checks every format first)`);
    ajv.addFormat(format.name, format.definition);
  }
  return ajv;
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
