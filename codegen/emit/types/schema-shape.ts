/** Reading schema keywords whose values may be anything (the model keeps schemas as plain JSON). */
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";

export function schemaList(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter(isSchema) : [];
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || isPlainObject(value);
}

export function isPlainObject(value: unknown): value is JsonSchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The `$ref` of a schema that is only a reference: `{$ref}`, or `{allOf: [{$ref}]}` (schemars'
 * way to give a reference a description or a default).
 */
export function referencedAlone(schema: JsonSchemaObject): string | undefined {
  if (typeof schema.$ref === "string") return schema.$ref;
  const parts = schemaList(schema.allOf);
  const only = parts.length === 1 ? parts[0] : undefined;
  const alone = ["properties", "additionalProperties", "items", "oneOf", "anyOf", "enum", "const"].every((k) => !(k in schema));
  return alone && typeof only === "object" && typeof only.$ref === "string" ? only.$ref : undefined;
}
