/**
 * Collects the `format` values a model uses, walking only schema positions: a `format` key
 * inside `default`, `enum`, `const` or `examples` is data, not a keyword, and must not be
 * mistaken for one.
 */
import type { JsonSchema, NamedType } from "../../model/model.js";

const SCHEMA_KEYWORDS = ["additionalItems", "additionalProperties", "contains", "else", "if", "not", "propertyNames", "then"];
const SCHEMA_ARRAY_KEYWORDS = ["allOf", "anyOf", "oneOf"];
const SCHEMA_MAP_KEYWORDS = ["definitions", "patternProperties", "properties"];

export interface FormatUse {
  readonly format: string;
  /** The first type (in model order) that uses it, for error messages. */
  readonly typeId: string;
}

/** Every format used, each once, sorted by name. */
export function usedFormats(types: readonly NamedType[]): FormatUse[] {
  const found = new Map<string, string>();
  for (const type of types) {
    walk(type.schema, (format) => {
      if (!found.has(format)) found.set(format, type.id);
    });
  }
  return [...found]
    .map(([format, typeId]) => ({ format, typeId }))
    .sort((a, b) => (a.format < b.format ? -1 : a.format > b.format ? 1 : 0));
}

function walk(schema: JsonSchema | undefined, visit: (format: string) => void): void {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return;
  if (typeof schema.format === "string") visit(schema.format);
  for (const keyword of SCHEMA_KEYWORDS) walk(asSchema(schema[keyword]), visit);
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) walkEach(schema[keyword], visit);
  for (const keyword of SCHEMA_MAP_KEYWORDS) walkValues(schema[keyword], visit);
  const items = schema.items;
  if (Array.isArray(items)) walkEach(items, visit);
  else walk(asSchema(items), visit);
  // draft-07 `dependencies` maps to either a schema or a list of property names.
  walkValues(schema.dependencies, visit);
}

function walkEach(list: unknown, visit: (format: string) => void): void {
  if (Array.isArray(list)) for (const entry of list) walk(asSchema(entry), visit);
}

function walkValues(map: unknown, visit: (format: string) => void): void {
  if (typeof map === "object" && map !== null && !Array.isArray(map)) {
    for (const entry of Object.values(map)) walk(asSchema(entry), visit);
  }
}

function asSchema(value: unknown): JsonSchema | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as JsonSchema;
  return undefined;
}
