/**
 * Brings a subschema into the form the rules compare: nullability split off, single-member
 * `allOf` wrappers (schemars' way of describing a `$ref`) merged into their member. Upstream
 * writes the same "T or null" three ways — `type: [T, "null"]`, `anyOf: [T, {type: "null"}]`,
 * an enum containing null — and a switch between them is no change on the wire.
 */
import type { JsonSchema, JsonSchemaObject } from "../model/model.js";
import { typeIdFromRef } from "../model/model.js";

export interface Normalized {
  /** Whether null is accepted, however the schema said it. */
  readonly nullable: boolean;
  /** The rest of the schema; `true`/`false` stay booleans. */
  readonly core: JsonSchemaObject | boolean;
  /** The named type the core refers to, when it is a reference. */
  readonly ref: string | undefined;
}

const UNIONS = ["anyOf", "oneOf"] as const;

export function normalize(schema: JsonSchema): Normalized {
  if (typeof schema === "boolean") return { nullable: schema, core: schema, ref: undefined };
  let core: JsonSchemaObject = schema;
  let nullable = false;
  // Each step only removes structure, so this settles after a few rounds.
  for (let round = 0; round < 8; round += 1) {
    const next = unwrapAllOf(core);
    const typeStep = splitNullType(next);
    const enumStep = splitNullEnum(typeStep.core);
    const unionStep = splitNullVariant(enumStep.core);
    nullable = nullable || typeStep.nullable || enumStep.nullable || unionStep.nullable;
    if (unionStep.core === core) break;
    core = unionStep.core;
  }
  const ref = typeof core.$ref === "string" ? typeIdFromRef(core.$ref) : undefined;
  return { nullable, core, ref };
}

function unwrapAllOf(schema: JsonSchemaObject): JsonSchemaObject {
  const allOf = schema.allOf;
  if (!Array.isArray(allOf) || allOf.length !== 1) return schema;
  const [member] = allOf as unknown[];
  if (!isObject(member)) return schema;
  const { allOf: _wrapper, ...siblings } = schema;
  // The wrapper's annotations describe this use of the member, so they win.
  return { ...member, ...siblings };
}

interface Step {
  readonly nullable: boolean;
  readonly core: JsonSchemaObject;
}

function splitNullType(schema: JsonSchemaObject): Step {
  const type = schema.type;
  if (!Array.isArray(type) || !type.includes("null")) return { nullable: false, core: schema };
  const rest = type.filter((entry) => entry !== "null");
  const core = { ...schema, type: rest.length === 1 ? rest[0] : rest };
  return { nullable: true, core };
}

function splitNullEnum(schema: JsonSchemaObject): Step {
  const values = schema.enum;
  if (!Array.isArray(values) || !values.includes(null) || values.length < 2) {
    return { nullable: false, core: schema };
  }
  return { nullable: true, core: { ...schema, enum: values.filter((value) => value !== null) } };
}

function splitNullVariant(schema: JsonSchemaObject): Step {
  for (const keyword of UNIONS) {
    const variants = schema[keyword];
    if (!Array.isArray(variants)) continue;
    const rest = (variants as unknown[]).filter((variant) => !isNullSchema(variant));
    if (rest.length === variants.length || rest.length === 0) continue;
    const { [keyword]: _union, ...siblings } = schema;
    const [only] = rest;
    if (rest.length === 1 && isObject(only)) {
      return { nullable: true, core: { ...only, ...siblings } };
    }
    return { nullable: true, core: { ...siblings, [keyword]: rest } };
  }
  return { nullable: false, core: schema };
}

/** `{type: "null"}`, possibly with annotations. */
export function isNullSchema(value: unknown): boolean {
  if (!isObject(value) || value.type !== "null") return false;
  return Object.keys(value).every((key) => key === "type" || key === "description" || key === "title");
}

export function isObject(value: unknown): value is JsonSchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
