import type { JsonSchemaObject } from "../../model/model.js";
import type { CompareContext, Location } from "../context.js";

/**
 * One comparison rule over a few keywords, like one ajv keyword per file. The walk runs the
 * rules in order on the two (normalised) schemas of one place; a rule returns "stop" when
 * the schemas are so different that later rules would only add noise.
 */
export interface KeywordRule {
  readonly name: string;
  /** The keywords this rule owns; any keyword no rule owns is compared by the fallback. */
  readonly keywords: readonly string[];
  compare(
    ctx: CompareContext,
    base: JsonSchemaObject,
    head: JsonSchemaObject,
    at: Location,
  ): "stop" | undefined;
}

export function has(schema: JsonSchemaObject, keyword: string): boolean {
  return Object.hasOwn(schema, keyword);
}

/** Deep equality of JSON values; key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/** A short, stable rendering of a JSON value for details. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
