import { isJsonObject, joinPointer } from "./json-pointer.js";

/**
 * Where draft-07 and 2020-12 keep subschemas. Only these positions hold schemas: a `$ref` or
 * `format` inside `enum`, `const`, `default` or `examples` is data, and a property called
 * "format" is a property name, so walkers must not treat them as keywords. The two dialects'
 * positions do not conflict (`items` is a schema or, in draft-07, an array of them).
 */
const schemaKeywords: ReadonlySet<string> = new Set([
  "additionalItems", "additionalProperties", "contains", "propertyNames",
  "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
]);
const schemaArrayKeywords: ReadonlySet<string> = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const schemaMapKeywords: ReadonlySet<string> = new Set([
  "properties", "patternProperties", "definitions", "$defs", "dependentSchemas",
]);

/** Which subschemas a keyword's value holds: `[relative tokens, subschema]` pairs. */
export function subschemasOf(keyword: string, value: unknown): Array<[string[], unknown]> {
  if (schemaKeywords.has(keyword)) return [[[], value]];
  if (keyword === "items") {
    return Array.isArray(value) ? value.map((item, index) => [[String(index)], item]) : [[[], value]];
  }
  if (schemaArrayKeywords.has(keyword) && Array.isArray(value)) {
    return value.map((item, index) => [[String(index)], item]);
  }
  if ((schemaMapKeywords.has(keyword) || keyword === "dependencies") && isJsonObject(value)) {
    // A `dependencies` value is a schema or a list of property names; only schemas count.
    return Object.entries(value)
      .filter(([, sub]) => keyword !== "dependencies" || !Array.isArray(sub))
      .map(([name, sub]) => [[name], sub]);
  }
  return [];
}

/** Calls `visit` for `schema` and every subschema object in it, with its JSON pointer. */
export function forEachSchemaObject(
  schema: unknown,
  pointer: string,
  visit: (node: Record<string, unknown>, pointer: string) => void,
): void {
  if (!isJsonObject(schema)) return;
  visit(schema, pointer);
  for (const [keyword, value] of Object.entries(schema)) {
    for (const [tokens, sub] of subschemasOf(keyword, value)) {
      forEachSchemaObject(sub, joinPointer(pointer, keyword, ...tokens), visit);
    }
  }
}

/** A copy of a keyword's value with each subschema replaced by `map(subschema, tokens)`. */
export function mapSubschemas(
  keyword: string,
  value: unknown,
  map: (subschema: unknown, tokens: string[]) => unknown,
): unknown {
  if (schemaKeywords.has(keyword)) return map(value, []);
  if (keyword === "items") {
    return Array.isArray(value) ? value.map((item, index) => map(item, [String(index)])) : map(value, []);
  }
  if (schemaArrayKeywords.has(keyword) && Array.isArray(value)) {
    return value.map((item, index) => map(item, [String(index)]));
  }
  if ((schemaMapKeywords.has(keyword) || keyword === "dependencies") && isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(value)) {
      out[name] = keyword === "dependencies" && Array.isArray(sub) ? sub : map(sub, [name]);
    }
    return out;
  }
  return value;
}
