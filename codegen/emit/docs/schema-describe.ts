/**
 * How a schema reads on a page: a type expression with every named type linked to its page
 * (`QueuedTurn[]`, `string | null`), whether it admits null, and its constraints in words
 * (`uint32: 0..4294967295`, `one of "pending", "failed"`).
 */
import type { ElementContent } from "hast";
import { h } from "hastscript";
import { numericFormat, numericFormatHint } from "../../formats/index.js";
import { typeIdFromRef, type JsonSchema, type JsonSchemaObject, type TypeId } from "../../model/model.js";

/** Turns a type id into a link (or plain text for an unknown id) on the current page. */
export type TypeLinker = (id: TypeId) => ElementContent;

const MAX_DEPTH = 6;

/** The schema as an inline type expression. */
export function typeExpression(schema: JsonSchema, link: TypeLinker, depth = 0): ElementContent[] {
  if (schema === true) return [code("any")];
  if (schema === false) return [code("never")];
  if (depth > MAX_DEPTH) return [code("…")];
  const ref = refOf(schema);
  if (ref !== undefined) return [link(ref)];
  if (Object.hasOwn(schema, "const")) return [code(JSON.stringify(schema["const"]))];
  if (Array.isArray(schema["enum"])) return joined(schema["enum"].map((value) => [code(JSON.stringify(value))]));
  const union = unionMembers(schema);
  if (union !== undefined) return joined(union.map((member) => typeExpression(member, link, depth + 1)));
  const allOf = schema["allOf"];
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(schema).every((key) => key === "allOf" || isAnnotation(key))) {
    return typeExpression(allOf[0] as JsonSchema, link, depth + 1);
  }
  if (Array.isArray(allOf) && allOf.length > 1) {
    return joined(allOf.map((member) => typeExpression(member as JsonSchema, link, depth + 1)), " & ");
  }
  const types = typeNames(schema);
  if (types.length === 0) return [code(Object.hasOwn(schema, "properties") ? "object" : "any")];
  return joined(types.map((type) => singleType(type, schema, link, depth)));
}

function singleType(type: string, schema: JsonSchemaObject, link: TypeLinker, depth: number): ElementContent[] {
  if (type === "array") {
    const items = schema["items"];
    if (Array.isArray(items)) return [code("["), ...joined(items.map((item) => typeExpression(item as JsonSchema, link, depth + 1)), ", "), code("]")];
    if (items === undefined) return [code("any[]")];
    const inner = typeExpression(items as JsonSchema, link, depth + 1);
    return needsParentheses(items as JsonSchema) ? [code("("), ...inner, code(")[]")] : [...inner, code("[]")];
  }
  if (type === "object") {
    const values = schema["additionalProperties"];
    if (!Object.hasOwn(schema, "properties") && values !== undefined && values !== false) {
      return [code("map of string → "), ...typeExpression(values as JsonSchema, link, depth + 1)];
    }
    return [code("object")];
  }
  return [code(type)];
}

/** The members of an `anyOf`/`oneOf` (the schema's own keywords beside it are annotations). */
export function unionMembers(schema: JsonSchemaObject): JsonSchema[] | undefined {
  const members = schema["oneOf"] ?? schema["anyOf"];
  return Array.isArray(members) ? (members as JsonSchema[]) : undefined;
}

/** True when the schema admits null at its top level (a `"null"` type, a null member, a null enum value). */
export function admitsNull(schema: JsonSchema): boolean {
  if (typeof schema === "boolean") return schema;
  if (typeNames(schema).includes("null")) return true;
  if (Array.isArray(schema["enum"]) && schema["enum"].includes(null)) return true;
  if (Object.hasOwn(schema, "const") && schema["const"] === null) return true;
  const union = unionMembers(schema);
  return union !== undefined && union.some(admitsNull);
}

/** Constraints in words, one entry each; empty when the schema has none. */
export function constraintTexts(schema: JsonSchema): string[] {
  if (typeof schema === "boolean") return [];
  const texts: string[] = [];
  const format = schema["format"];
  if (typeof format === "string") {
    const numeric = numericFormat(format);
    texts.push(numeric ? numericFormatHint(numeric).replace(/ \((.*)\)$/, ": $1") : `format: ${format}`);
  }
  const bound = (keyword: string, words: string): void => {
    const value = schema[keyword];
    if (typeof value === "number") texts.push(`${words} ${value}`);
  };
  bound("minimum", "≥");
  bound("exclusiveMinimum", ">");
  bound("maximum", "≤");
  bound("exclusiveMaximum", "<");
  bound("multipleOf", "multiple of");
  bound("minLength", "at least characters:");
  bound("maxLength", "at most characters:");
  bound("minItems", "at least items:");
  bound("maxItems", "at most items:");
  bound("minProperties", "at least properties:");
  bound("maxProperties", "at most properties:");
  if (schema["uniqueItems"] === true) texts.push("items unique");
  if (typeof schema["pattern"] === "string") texts.push(`matches /${schema["pattern"]}/`);
  if (Array.isArray(schema["enum"])) texts.push(`one of ${schema["enum"].map((value) => JSON.stringify(value)).join(", ")}`);
  if (Object.hasOwn(schema, "const")) texts.push(`exactly ${JSON.stringify(schema["const"])}`);
  if (Object.hasOwn(schema, "default")) texts.push(`default ${JSON.stringify(schema["default"])}`);
  if (schema["deprecated"] === true) texts.push("deprecated");
  // A nullable primitive (`["integer", "null"]`) or `anyOf [X, null]` keeps the member's constraints.
  const union = unionMembers(schema);
  if (union !== undefined) {
    for (const member of union) if (typeof member === "object" && !admitsOnlyNull(member) && refOf(member) === undefined) texts.push(...constraintTexts(member));
  }
  return texts;
}

function admitsOnlyNull(schema: JsonSchemaObject): boolean {
  const types = typeNames(schema);
  return types.length === 1 && types[0] === "null";
}

/** The type id a schema is a plain reference to (`{"$ref"}` or `allOf: [{"$ref"}]` with annotations). */
export function refOf(schema: JsonSchema): TypeId | undefined {
  if (typeof schema === "boolean") return undefined;
  if (typeof schema["$ref"] === "string") return typeIdFromRef(schema["$ref"]);
  const allOf = schema["allOf"];
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(schema).every((key) => key === "allOf" || isAnnotation(key))) {
    return refOf(allOf[0] as JsonSchema);
  }
  return undefined;
}

/** Every type id referenced anywhere inside a schema, in first-seen order. */
export function referencedTypes(schema: JsonSchema, found: Set<TypeId> = new Set()): Set<TypeId> {
  if (typeof schema !== "object" || schema === null) return found;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string") {
      const id = typeIdFromRef(value);
      if (id !== undefined) found.add(id);
    } else if (DATA_KEYWORDS.has(key)) {
      continue;
    } else if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) referencedTypes(item as JsonSchemaObject, found);
    } else if (typeof value === "object" && value !== null) {
      referencedTypes(value as JsonSchemaObject, found);
    }
  }
  return found;
}

// Inside these keywords a "$ref" key is data, not a reference.
const DATA_KEYWORDS: ReadonlySet<string> = new Set(["enum", "const", "default", "examples"]);

function isAnnotation(key: string): boolean {
  return key === "description" || key === "title" || key === "$comment" || key === "default" || key === "examples" || key === "deprecated";
}

export function typeNames(schema: JsonSchemaObject): string[] {
  const type = schema["type"];
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === "string");
  return [];
}

function needsParentheses(schema: JsonSchema): boolean {
  if (typeof schema === "boolean") return false;
  return unionMembers(schema) !== undefined || typeNames(schema).length > 1 || (Array.isArray(schema["enum"]) && schema["enum"].length > 1);
}

function joined(parts: readonly ElementContent[][], separator = " | "): ElementContent[] {
  const result: ElementContent[] = [];
  parts.forEach((part, index) => {
    if (index > 0) result.push({ type: "text", value: separator });
    result.push(...part);
  });
  return result;
}

function code(text: string): ElementContent {
  return h("code", text);
}
