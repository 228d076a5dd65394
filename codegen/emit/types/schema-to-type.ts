/**
 * Maps one JSON Schema (draft-07, refs in the model's normal form) to a TypeScript type node.
 *
 * Choices, where JSON Schema and TypeScript do not line up one to one:
 * - `integer`/`number` of any `format` (int64 and uint64 included) → `number`. ts-rs emits
 *   `bigint` for 64-bit integers, but `JSON.parse` yields `number`, which is what a client
 *   actually holds.
 * - An object with `properties` gets no index signature, whatever `additionalProperties`
 *   says (as ts-rs), unless `additionalProperties` is a schema: then `& { [key in string]?: T }`.
 * - An object without `properties` is a map: `{ [key in string]?: T }` with T from
 *   `additionalProperties` (absent or `true` → `unknown`, `false` → `never`), as ts-rs does
 *   for `HashMap`. `{}` would be wrong: in TypeScript it admits strings and numbers too.
 * - `type` next to `anyOf`/`oneOf`/`allOf` adds nothing unless it carries a shape
 *   (properties, items, enum, const): then the result is `Base & (A | B)`.
 * - Array-form `items` → a tuple; `additionalItems`, numeric bounds, `pattern`, `not`,
 *   `if`/`then`/`else` and `patternProperties` do not change the type (validators check them).
 * - Anything unconstrained (`{}`, `true`, no `type`) → `unknown`, never `any`.
 */
import ts from "../shared/typescript.js";
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { propertyNameNode } from "../shared/identifiers.js";
import { compareCodeUnits } from "../shared/order.js";
import { withDoc } from "../shared/tsdoc.js";
import { docLines } from "./docs.js";
import { literalTypeNode } from "./literal.js";

const f = ts.factory;

/** Resolves a `$ref` (as written in the schema) to the name the type has in the file being built. */
export type RefResolver = (ref: string) => string;

export function schemaToTypeNode(schema: JsonSchema, resolve: RefResolver): ts.TypeNode {
  if (schema === true) return keyword(ts.SyntaxKind.UnknownKeyword);
  if (schema === false) return keyword(ts.SyntaxKind.NeverKeyword);
  if (typeof schema.$ref === "string") return f.createTypeReferenceNode(resolve(schema.$ref));

  const combined = [
    ...schemaList(schema.allOf).map((member) => schemaToTypeNode(member, resolve)),
    ...[schema.anyOf, schema.oneOf]
      .map(schemaList)
      .filter((members) => members.length > 0)
      .map((members) => union(members.map((member) => schemaToTypeNode(member, resolve)))),
  ];
  const base = combined.length === 0 || hasShape(schema) ? baseTypeNode(schema, resolve) : undefined;
  const parts = base === undefined ? combined : [base, ...combined];
  if (parts.length === 0) return keyword(ts.SyntaxKind.UnknownKeyword);
  return parts.length === 1 ? (parts[0] as ts.TypeNode) : f.createIntersectionTypeNode(parts);
}

/** The type from `const`, `enum` or `type` (inferred from object/array keywords when absent). */
function baseTypeNode(schema: JsonSchemaObject, resolve: RefResolver): ts.TypeNode | undefined {
  if ("const" in schema) return literalTypeNode(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literalTypeNode));
  const types = typeNames(schema);
  if (types === undefined) return undefined;
  const nodes = new Map<string, ts.TypeNode>();
  for (const type of types) {
    // integer and number both become `number`; keep the first so the union has no repeats.
    const key = type === "integer" ? "number" : type;
    if (!nodes.has(key)) nodes.set(key, simpleTypeNode(key, schema, resolve));
  }
  return union([...nodes.values()]);
}

function simpleTypeNode(type: string, schema: JsonSchemaObject, resolve: RefResolver): ts.TypeNode {
  switch (type) {
    case "string":
      return keyword(ts.SyntaxKind.StringKeyword);
    case "number":
      return keyword(ts.SyntaxKind.NumberKeyword);
    case "boolean":
      return keyword(ts.SyntaxKind.BooleanKeyword);
    case "null":
      return f.createLiteralTypeNode(f.createNull());
    case "array":
      return arrayTypeNode(schema, resolve);
    case "object":
      return objectTypeNode(schema, resolve);
    default:
      // Not a draft-07 type name; the loader's meta-schema check rejects it before we get here.
      return keyword(ts.SyntaxKind.UnknownKeyword);
  }
}

function arrayTypeNode(schema: JsonSchemaObject, resolve: RefResolver): ts.TypeNode {
  const items = schema.items;
  if (Array.isArray(items)) {
    const tuple = f.createTupleTypeNode(schemaList(items).map((item) => schemaToTypeNode(item, resolve)));
    return ts.setEmitFlags(tuple, ts.EmitFlags.SingleLine);
  }
  const item = isSchema(items) ? schemaToTypeNode(items, resolve) : keyword(ts.SyntaxKind.UnknownKeyword);
  return f.createTypeReferenceNode("Array", [item]);
}

function objectTypeNode(schema: JsonSchemaObject, resolve: RefResolver): ts.TypeNode {
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const keys = Object.keys(properties).sort(compareCodeUnits);
  const additional = schema.additionalProperties;
  if (keys.length === 0) {
    const value = additional === false ? keyword(ts.SyntaxKind.NeverKeyword)
      : isSchema(additional) ? schemaToTypeNode(additional, resolve)
      : keyword(ts.SyntaxKind.UnknownKeyword);
    return mapTypeNode(value);
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : []);
  const members = keys.map((key) => {
    const property = properties[key];
    const propertySchema: JsonSchema = isSchema(property) ? property : true;
    const signature = f.createPropertySignature(
      undefined,
      propertyNameNode(key),
      required.has(key) ? undefined : f.createToken(ts.SyntaxKind.QuestionToken),
      schemaToTypeNode(propertySchema, resolve),
    );
    return withDoc(signature, docLines(propertySchema));
  });
  const literal = f.createTypeLiteralNode(members);
  if (isPlainObject(additional)) {
    return f.createIntersectionTypeNode([literal, mapTypeNode(schemaToTypeNode(additional, resolve))]);
  }
  return literal;
}

/** `{ [key in string]?: T }` on one line, the form ts-rs uses for maps. */
function mapTypeNode(value: ts.TypeNode): ts.TypeNode {
  const node = f.createMappedTypeNode(
    undefined,
    f.createTypeParameterDeclaration(undefined, "key", keyword(ts.SyntaxKind.StringKeyword)),
    undefined,
    f.createToken(ts.SyntaxKind.QuestionToken),
    value,
    undefined,
  );
  return ts.setEmitFlags(node, ts.EmitFlags.SingleLine);
}

function typeNames(schema: JsonSchemaObject): readonly string[] | undefined {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  if ("properties" in schema || "additionalProperties" in schema || "required" in schema) return ["object"];
  if ("items" in schema) return ["array"];
  return undefined;
}

/** Keywords that make `type` more than a restatement of what the combinators already say. */
function hasShape(schema: JsonSchemaObject): boolean {
  return ["properties", "additionalProperties", "items", "enum", "const"].some((k) => k in schema);
}

function union(members: ts.TypeNode[]): ts.TypeNode {
  if (members.length === 0) return keyword(ts.SyntaxKind.NeverKeyword);
  return members.length === 1 ? (members[0] as ts.TypeNode) : f.createUnionTypeNode(members);
}

function keyword(kind: ts.KeywordTypeSyntaxKind): ts.TypeNode {
  return f.createKeywordTypeNode(kind);
}

function schemaList(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter(isSchema) : [];
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || isPlainObject(value);
}

function isPlainObject(value: unknown): value is JsonSchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
