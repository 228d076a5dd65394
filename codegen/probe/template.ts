/**
 * What the generator produces for one message's params: a JSON value with holes. A hole
 * (`PoolRef`) stands for "a value of this field the server handed out earlier in the session",
 * filled in only when the call is sent — a thread id from `thread/start` feeds a later
 * `threadId` — and falls back to a generated value while the pool has none.
 */
import { joinPointer } from "../load/json-pointer.js";

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The JSON kinds the pool distinguishes; a `threadId` string never fills an integer field. */
export type PoolKind = "string" | "integer" | "number" | "boolean" | "array";

export class PoolRef {
  constructor(
    /** The field name the value is looked up by ("threadId", "queuedTurnIds"). */
    readonly key: string,
    readonly kind: PoolKind,
    /** Which pooled value: 0 is the most recent, larger counts back (modulo the pool size). */
    readonly pick: number,
    /** What to send when the pool holds nothing for the key yet. */
    readonly fallback: Template,
  ) {}
}

export type Template = null | boolean | number | string | PoolRef | readonly Template[] | { readonly [key: string]: Template };

/** A path from the params root: property names and array indexes. */
export type ValuePath = readonly (string | number)[];

export type JsonKind = "null" | "boolean" | "integer" | "number" | "string" | "array" | "object";

/** A place in a generated value where a targeted mutation makes it invalid, and how. */
export type MutationSite =
  | { readonly kind: "missing-required"; readonly path: ValuePath; readonly property: string }
  | { readonly kind: "wrong-type"; readonly path: ValuePath; readonly allowed: readonly JsonKind[] }
  | { readonly kind: "out-of-range"; readonly path: ValuePath; readonly value: number; readonly rule: string }
  | { readonly kind: "unknown-enum"; readonly path: ValuePath; readonly value: string }
  | { readonly kind: "extra-property"; readonly path: ValuePath; readonly property: string };

/** A generated params value and every site where it can be broken on purpose. */
export interface Generated {
  readonly template: Template;
  readonly sites: readonly MutationSite[];
}

/** The sites of a child value, seen from its parent. */
export function sitesUnder(segment: string | number, sites: readonly MutationSite[]): MutationSite[] {
  return sites.map((site) => ({ ...site, path: [segment, ...site.path] }));
}

/** Fills every hole: `lookup` answers from the pool or returns undefined for the fallback. */
export function resolveTemplate(
  template: Template,
  lookup: (ref: PoolRef, path: ValuePath) => JsonValue | undefined,
  path: ValuePath = [],
): JsonValue {
  if (template instanceof PoolRef) {
    return lookup(template, path) ?? resolveTemplate(template.fallback, lookup, path);
  }
  if (Array.isArray(template)) {
    return (template as readonly Template[]).map((item, index) => resolveTemplate(item, lookup, [...path, index]));
  }
  if (template !== null && typeof template === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(template as Record<string, Template>)) {
      out[key] = resolveTemplate(value, lookup, [...path, key]);
    }
    return out;
  }
  return template as null | boolean | number | string;
}

export function jsonKindOf(value: unknown): JsonKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "object") return "object";
  return typeof value as "boolean" | "string";
}

/** A JSON pointer for a value path ("/turnStartParams/input/0/text"). */
export function pointerOf(path: ValuePath): string {
  return joinPointer("", ...path);
}
