import { stat } from "node:fs/promises";
import path from "node:path";
import { sortSchemaErrors, type SchemaError } from "../errors.js";
import type { JsonSchemaObject, MethodSpec, NamedType, ProtocolModel, TypeId } from "../model/model.js";
import { refForType } from "../model/model.js";
import { assembleModel } from "./assemble-model.js";
import { checkKeywords } from "./check-keywords.js";
import { derivationUnions, type HoistedParams } from "./derive-registry.js";
import { defaultDialect, readDialect } from "./dialect.js";
import { isJsonObject } from "./json-pointer.js";
import { readSchemaBundle } from "./load-bundle.js";
import { readSchemaDirectory } from "./load-directory.js";
import { validateAgainstMetaSchema } from "./meta-schema.js";
import { toModelForm } from "./normalize-dialect.js";
import { displayPath } from "./paths.js";
import { readJsonFile } from "./read-json.js";
import { checkRegistry, overrideRegistry } from "./registry.js";
import type { RegistryExtras } from "./registry-extras.js";
import { rewriteTypeSchema, type RefResolver } from "./rewrite-refs.js";
import { checkTypeNames, type TypeCandidate } from "./type-candidate.js";

export type { SchemaError } from "../errors.js";
export { ajvFormatNames, knownFormats, schemarsNumericFormats } from "./known-formats.js";

/**
 * The model, or every problem found. `warnings` are things the user should know that do not
 * stop generation (a protocol without methods, a request whose result could not be paired, a
 * keyword that looks misspelt), in the same `file#pointer: message` form as errors.
 */
export type LoadResult =
  | { ok: true; model: ProtocolModel; warnings: SchemaError[] }
  | { ok: false; errors: SchemaError[] };

export interface LoadOptions {
  /** Directory paths are resolved against and reported relative to; default process.cwd(). */
  readonly cwd?: string;
  /**
   * A registry file (protocol.json's format) applied over what the source gives: it completes
   * derived methods (a result derivation could not pair) or adds methods derivation cannot see.
   */
  readonly registry?: string;
}

/**
 * Loads a schema directory (per-type files + protocol.json) or a single bundle file into the
 * protocol model, or returns every problem found (not just the first), each with the file, a
 * JSON pointer and what to do. See docs/DESIGN.md and codegen/load/README.md.
 */
export async function loadProtocol(schemaPath: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const absolute = path.resolve(cwd, schemaPath);
  const sourceLabel = displayPath(absolute, cwd);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch {
    return {
      ok: false,
      errors: [{ file: sourceLabel, pointer: "", message: "no such file or directory; pass a schema directory (with protocol.json) or a bundle file" }],
    };
  }
  const source: LoadedSource = isDirectory
    ? { ...(await readSchemaDirectory(absolute, cwd)), registryKind: "declared" }
    : await readSchemaBundle(absolute, sourceLabel);
  const override = options.registry === undefined ? undefined : await readOverride(path.resolve(cwd, options.registry), cwd);
  return finishModel(source, sourceLabel, isDirectory, override);
}

interface LoadedSource {
  readonly candidates: readonly TypeCandidate[];
  readonly resolveRef: RefResolver;
  readonly methods: readonly MethodSpec[];
  readonly errors: readonly SchemaError[];
  readonly warnings?: readonly SchemaError[];
  readonly hoisted?: readonly HoistedParams[];
  readonly unreadableTypeIds?: ReadonlySet<TypeId>;
  readonly whereTypeLives: (id: TypeId) => string;
  readonly extras?: RegistryExtras;
  /** Whether the methods were read off the unions or declared in a registry. */
  readonly registryKind: "derived" | "declared";
}

interface RegistryOverride {
  readonly file: string;
  readonly value?: unknown;
  readonly error?: SchemaError;
}

async function readOverride(absolute: string, cwd: string): Promise<RegistryOverride> {
  const file = displayPath(absolute, cwd);
  const read = await readJsonFile(absolute, file);
  return read.ok ? { file, value: read.value } : { file, error: read.error };
}

/** The checks and rewriting both input forms share. */
function finishModel(source: LoadedSource, sourceLabel: string, isDirectory: boolean, override: RegistryOverride | undefined): LoadResult {
  const errors: SchemaError[] = [...source.errors, ...checkTypeNames(source.candidates)];
  const warnings: SchemaError[] = [...(source.warnings ?? [])];
  const types: NamedType[] = [];
  for (const candidate of source.candidates) {
    const { document, pointer } = candidate.location;
    const dialect = readDialect(candidate.schema, pointer, candidate.dialect ?? defaultDialect);
    if (!dialect.ok) {
      errors.push({ file: document.file, pointer: dialect.pointer, message: dialect.message });
      continue;
    }
    errors.push(...validateAgainstMetaSchema(candidate.schema, dialect.dialect, document.file, pointer));
    const keywords = checkKeywords(candidate.schema, dialect.dialect, document.file, pointer);
    errors.push(...keywords.errors);
    warnings.push(...keywords.warnings);
    const rewritten = rewriteTypeSchema(candidate.schema, candidate.location, source.resolveRef, errors);
    types.push({
      id: candidate.id,
      name: candidate.name,
      namespace: candidate.namespace,
      schema: toModelForm(rewritten) as JsonSchemaObject,
      source: { file: document.file, pointer },
    });
  }
  const withHoisted = pointAtHoistedParams(types, source.hoisted ?? []);
  if (source.candidates.length === 0 && (source.unreadableTypeIds?.size ?? 0) === 0 && errors.length === 0) {
    errors.push({ file: sourceLabel, pointer: "", message: noTypesMessage(isDirectory) });
  }

  let methods = source.methods;
  if (override?.error) errors.push(override.error);
  else if (override) {
    const applied = overrideRegistry(methods, override.value, override.file);
    errors.push(...applied.errors);
    methods = applied.methods;
  }
  const typeIds = new Set([...types.map((type) => type.id), ...(source.unreadableTypeIds ?? [])]);
  errors.push(...checkRegistry(methods, typeIds, source.whereTypeLives));
  if (errors.length > 0) return { ok: false, errors: dedupe(sortSchemaErrors(errors)) };
  const model = assembleModel(withHoisted, methods, sourceLabel, source.extras);
  warnings.push(...methodWarnings(model.methods, source, sourceLabel, override?.file));
  return { ok: true, model, warnings: dedupe(sortSchemaErrors(warnings)) };
}

function noTypesMessage(isDirectory: boolean): string {
  return isDirectory
    ? "no types: a schema directory's types are its *.json files (one JSON Schema per type); add some"
    : "no types: a bundle's types are the entries of `definitions` (draft-07) or `$defs` (2020-12), or a root schema with a `title`; this file has none";
}

/** Never silently empty: a protocol with types but no methods, or requests answered `unknown`. */
function methodWarnings(methods: readonly MethodSpec[], source: LoadedSource, sourceLabel: string, overrideFile: string | undefined): SchemaError[] {
  const how = (what: string): string =>
    `pass --registry FILE (protocol.json's format: requests and notifications, each with method, messageDirection, params, result) to name ${what}`;
  if (methods.length === 0) {
    const message =
      source.registryKind === "derived"
        ? `no methods: none of the unions ${derivationUnions.map((union) => union.name).join(", ")} (a oneOf/anyOf of variants with properties.method as const or a one-value enum) was found in the root namespace; types and validators were generated, the methods map, server and client are empty; ${how("them")}`
        : "no methods: the registry lists no requests and no notifications; types and validators were generated, the methods map, server and client are empty";
    return [{ file: sourceLabel, pointer: "", message }];
  }
  if (source.registryKind !== "derived") return [];
  const unpaired = methods.filter((spec) => spec.kind === "request" && spec.result === null && spec.source.file !== overrideFile);
  if (unpaired.length === 0) return [];
  const listed = unpaired.map((spec) => `${spec.method} (${spec.direction})`).join(", ");
  return [{
    file: sourceLabel,
    pointer: "",
    message: `${unpaired.length} request${unpaired.length === 1 ? " has" : "s have"} no result type (no <X>Params → <X>Response or <X>Request → <X>Result pair), so their results are typed unknown: ${listed}; ${how("their results")}`,
  }];
}

/** Hoisted inline params become `$ref`s to their new type where they were written. */
function pointAtHoistedParams(types: readonly NamedType[], hoisted: readonly HoistedParams[]): NamedType[] {
  if (hoisted.length === 0) return [...types];
  return types.map((type) => {
    const own = hoisted.filter((entry) => entry.owner === type.id && entry.params !== type.id);
    if (own.length === 0) return type;
    let schema: unknown = type.schema;
    for (const entry of own) schema = replaceAt(schema, entry.tokens, { $ref: refForType(entry.params) });
    return { ...type, schema: schema as JsonSchemaObject };
  });
}

/** A copy of `value` with the value at `tokens` replaced, or `value` itself when nothing is there. */
function replaceAt(value: unknown, tokens: readonly string[], replacement: unknown): unknown {
  const [first, ...rest] = tokens;
  if (first === undefined) return replacement;
  if (Array.isArray(value)) {
    const index = Number(first);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    return value.map((item, at) => (at === index ? replaceAt(item, rest, replacement) : item));
  }
  if (!isJsonObject(value) || !Object.hasOwn(value, first)) return value;
  return { ...value, [first]: replaceAt(value[first], rest, replacement) };
}

/** A fragment inlined in several places reports its problem once. */
function dedupe(errors: readonly SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.file}\0${error.pointer}\0${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
