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
