import { isJsonObject } from "./json-pointer.js";

/** JSON text with object keys sorted, so equal data gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/** Keys that annotate a schema without changing what it accepts. */
const annotationKeys: ReadonlySet<string> = new Set(["$schema", "$comment", "title", "description"]);

/** Whether two schemas accept the same values, judged by their text without annotations. */
export function sameSchemaContent(a: unknown, b: unknown): boolean {
  return schemaContentKey(a) === schemaContentKey(b);
}

export function schemaContentKey(schema: unknown): string {
  if (!isJsonObject(schema)) return canonicalJson(schema);
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!annotationKeys.has(key)) content[key] = value;
  }
  return canonicalJson(content);
}
