/**
 * The JSON Schema dialects the loader reads, and what each keyword means to us in each.
 *
 * Input may be draft-07 (schemars 0.8, the seed, this repository) or 2020-12 (schemars 1.x,
 * MCP 2025-11-25). The model is one form whatever the input: draft-07 keywords, refs
 * `#/definitions/<id>` (see ./normalize-dialect.ts), so emitters never see a dialect.
 */
import { joinPointer } from "./json-pointer.js";

export type Dialect = "draft-07" | "2020-12";

/** The `$schema` URI written for each dialect in error messages. */
export const dialectUris: Readonly<Record<Dialect, string>> = {
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/** What a document without `$schema` is read as: the toolkit's historical input. */
export const defaultDialect: Dialect = "draft-07";

/**
 * The dialect a `$schema` value names. Both schemes and an empty fragment are accepted: all
 * of them appear in the wild for the same meta-schema.
 */
export function dialectOfUri(uri: string): Dialect | undefined {
  const normalized = uri.replace(/^https?:\/\//, "").replace(/#$/, "");
  if (normalized === "json-schema.org/draft-07/schema") return "draft-07";
  if (normalized === "json-schema.org/draft/2020-12/schema") return "2020-12";
  return undefined;
}

export type DialectReading =
  | { readonly ok: true; readonly dialect: Dialect }
  | { readonly ok: false; readonly pointer: string; readonly message: string };

/**
 * The dialect of a schema object found at `pointer`: its own `$schema` when it has one,
 * else `inherited` (the document's, or the default).
 */
export function readDialect(schema: Record<string, unknown>, pointer: string, inherited: Dialect): DialectReading {
  if (!Object.hasOwn(schema, "$schema")) return { ok: true, dialect: inherited };
  const declared = schema["$schema"];
  const dialect = typeof declared === "string" ? dialectOfUri(declared) : undefined;
  if (dialect !== undefined) return { ok: true, dialect };
  return {
    ok: false,
    pointer: joinPointer(pointer, "$schema"),
    message: `unsupported $schema ${JSON.stringify(declared)}: codegen reads JSON Schema draft-07 ("${dialectUris["draft-07"]}") and 2020-12 ("${dialectUris["2020-12"]}"); declare one of them`,
  };
}

/**
 * Keywords that change what a schema accepts and that codegen cannot honour in any dialect:
 * refusing them is better than validators and types that silently accept more than the
 * schema says.
 */
export const unsupportedKeywords: ReadonlyMap<string, string> = new Map([
  ["$dynamicRef", "dynamic references are not supported; use $ref"],
  ["$recursiveRef", "recursive references (2019-09) are not supported; use $ref"],
  ["unevaluatedProperties", "unevaluatedProperties is not supported; use additionalProperties (with the properties of every branch listed beside it)"],
  ["unevaluatedItems", "unevaluatedItems is not supported; use items"],
  ["minContains", "minContains is not supported; use contains"],
  ["maxContains", "maxContains is not supported; use contains"],
]);

/**
 * Keywords that validate in one dialect and are ignored (mere annotations) in the other. In
 * the dialect that ignores them they are almost certainly a mistake, so they are refused with
 * the equivalent to use, instead of quietly validating nothing.
 */
const otherDialectKeywords: Readonly<Record<Dialect, ReadonlyMap<string, string>>> = {
  "draft-07": new Map([
    ["prefixItems", "prefixItems is a 2020-12 keyword that validates nothing in a draft-07 schema: use array-form items, or declare $schema 2020-12"],
    ["dependentRequired", "dependentRequired is a 2020-12 keyword that validates nothing in a draft-07 schema: use dependencies, or declare $schema 2020-12"],
    ["dependentSchemas", "dependentSchemas is a 2020-12 keyword that validates nothing in a draft-07 schema: use dependencies, or declare $schema 2020-12"],
  ]),
  "2020-12": new Map([
    ["additionalItems", "additionalItems is a draft-07 keyword that validates nothing in a 2020-12 schema: use prefixItems with items"],
    ["dependencies", "dependencies is a draft-07 keyword that validates nothing in a 2020-12 schema: use dependentRequired or dependentSchemas"],
  ]),
};

/** Why `keyword` cannot be honoured in `dialect`, or undefined when it can (or is unknown). */
export function unhonouredKeyword(keyword: string, dialect: Dialect): string | undefined {
  return unsupportedKeywords.get(keyword) ?? otherDialectKeywords[dialect].get(keyword);
}

/**
 * Every keyword either dialect defines (validation, applicators, annotations, identifiers).
 * Anything else in a schema object is an annotation of the author's (`x-…`, `_enum`,
 * `enumDescriptions`): kept in the model, never compiled into a validator.
 */
export const knownKeywords: ReadonlySet<string> = new Set([
  // core and identifiers
  "$schema", "$id", "$ref", "$comment", "$defs", "definitions", "$anchor", "$dynamicAnchor",
  "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "$vocabulary",
  // annotations
  "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
  "contentMediaType", "contentEncoding", "contentSchema", "format",
  // validation
  "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains",
  "minContains", "maxProperties", "minProperties", "required", "dependentRequired", "dependencies",
  // applicators
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "properties", "patternProperties",
  "additionalProperties", "propertyNames", "dependentSchemas", "items", "prefixItems",
  "additionalItems", "contains", "unevaluatedItems", "unevaluatedProperties",
]);
