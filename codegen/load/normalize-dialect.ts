/**
 * The model's one form for schemas of either dialect: draft-07 keywords, so emitters (types,
 * validators, bundle, diff) need no second code path. Runs after refs are rewritten; the
 * keywords it cannot translate were refused by ./check-keywords.ts before.
 *
 * | 2020-12 (or either dialect)            | model (draft-07)                                |
 * |----------------------------------------|-------------------------------------------------|
 * | `prefixItems: [A, B]`, `items: C`      | `items: [A, B]`, `additionalItems: C`            |
 * | `dependentRequired`, `dependentSchemas`| `dependencies` (a key in both: `allOf` of the two) |
 * | `$ref` beside validation keywords      | `allOf: [{ $ref }]` beside them (ajv applies the siblings in both dialects; TypeScript intersects) |
 *
 * Annotations beside a `$ref` (`description`, `title`, `x-…`) stay beside it.
 */
import { isJsonObject } from "./json-pointer.js";
import { knownKeywords } from "./dialect.js";
import { mapSubschemas } from "./schema-walk.js";

/** Keywords that say something about a value without constraining it. */
const annotationKeywords: ReadonlySet<string> = new Set([
  "title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly",
  "$anchor", "$dynamicAnchor",
]);

export function toModelForm(schema: unknown): unknown {
  if (!isJsonObject(schema)) return schema;
  const mapped: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) mapped[keyword] = mapSubschemas(keyword, value, toModelForm);
  return refAsAllOf(dependenciesOf(tupleItems(mapped)));
}

/** Replaces the keywords named in `replaced` by `entries`, placed where the first of them was. */
function replaceKeywords(node: Record<string, unknown>, replaced: readonly string[], entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [keyword, value] of Object.entries(node)) {
    if (!replaced.includes(keyword)) {
      out[keyword] = value;
    } else if (!placed) {
      Object.assign(out, entries);
      placed = true;
    }
  }
  return out;
}

function tupleItems(node: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(node["prefixItems"])) return node;
  const rest = node["items"] === undefined ? {} : { additionalItems: node["items"] };
  return replaceKeywords(node, ["prefixItems", "items"], { items: node["prefixItems"], ...rest });
}

function dependenciesOf(node: Record<string, unknown>): Record<string, unknown> {
  const required = isJsonObject(node["dependentRequired"]) ? node["dependentRequired"] : undefined;
  const schemas = isJsonObject(node["dependentSchemas"]) ? node["dependentSchemas"] : undefined;
  if (required === undefined && schemas === undefined) return node;
  const dependencies: Record<string, unknown> = { ...required };
  for (const [key, schema] of Object.entries(schemas ?? {})) {
    const names = dependencies[key];
    dependencies[key] = Array.isArray(names) ? { allOf: [{ required: names }, schema] } : schema;
  }
  return replaceKeywords(node, ["dependentRequired", "dependentSchemas"], { dependencies });
}

function refAsAllOf(node: Record<string, unknown>): Record<string, unknown> {
  const ref = node["$ref"];
  if (typeof ref !== "string") return node;
  const constraining = Object.keys(node).some((key) => key !== "$ref" && knownKeywords.has(key) && !annotationKeywords.has(key));
  if (!constraining) return node;
  const existing = Array.isArray(node["allOf"]) ? node["allOf"] : [];
  return replaceKeywords(node, ["$ref", "allOf"], { allOf: [{ $ref: ref }, ...existing] });
}
