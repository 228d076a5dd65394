/**
 * Maps one JSON Schema (draft-07, refs in the model's normal form) to a TypeScript type node.
 *
 * The target is the TypeScript that ts-rs writes for the Rust types schemars describes, read
 * from the schema alone (docs/codex-fidelity.md measures how close it is):
 * - `integer`/`number` of any `format` (int64 and uint64 included) → `number`. ts-rs emits
 *   `bigint` for 64-bit integers, but `JSON.parse` yields `number`, which is what a client
 *   actually holds.
 * - Anything unconstrained (`{}`, `true`, no `type`) → the built-in `JsonValue` type (as
 *   ts-rs writes `serde_json::Value`), never `any` or `unknown`: a value that came from JSON
 *   and can go back to it.
 * - An object with `properties` gets no index signature when `additionalProperties` is absent
 *   or `false` (as ts-rs writes a struct); a schema or `true` adds `& { [key in string]?: T }`
 *   (`true` → `JsonValue`), as ts-rs writes a struct with a `#[serde(flatten)]` map.
 * - An object without `properties`:
 *   - `additionalProperties` a schema or `true`: a map, `{ [key in string]?: T }` (`true` →
 *     `JsonValue`), as ts-rs writes `HashMap` and `serde_json::Map`;
 *   - `additionalProperties: false`, or absent when `object` is the schema's only type (`null`
 *     aside): an empty struct (schemars writes `struct X {}` so), `Record<string, never>` as
 *     ts-rs writes it;
 *   - absent when `object` is one of several types (`["string", "object"]`), or with
 *     `patternProperties`: some object the schema says little about, `{ [key in string]?: unknown }`.
 *   Never `{}`: in TypeScript it admits strings and numbers too.
 * - A property that is not `required` is optional (`k?: T`), unless it has a `default`, does
 *   not admit `null`, and the context says defaulted properties are required (the sender
 *   always writes them; see ./defaulted-properties.ts).
 * - `type` next to `anyOf`/`oneOf`/`allOf` adds nothing unless it carries a shape
 *   (properties, items, enum, const): then the result is `Base & (A | B)`.
 * - Array-form `items` → a tuple; `additionalItems`, numeric bounds, `pattern`, `not`,
 *   `if`/`then`/`else` and `patternProperties` do not change the type (validators check them).
 */
import ts from "../shared/typescript.js";
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { propertyNameNode } from "../shared/identifiers.js";
import { compareCodeUnits } from "../shared/order.js";
import { withDoc } from "../shared/tsdoc.js";
import { docLines } from "./docs.js";
import { literalTypeNode } from "./literal.js";
import { isPlainObject, isSchema, schemaList } from "./schema-shape.js";

const f = ts.factory;

/** Resolves a `$ref` (as written in the schema) to the name the type has in the file being built. */
export type RefResolver = (ref: string) => string;

/** What a schema's type depends on besides the schema: the file it is printed in. */
export interface TypeContext {
  readonly resolve: RefResolver;
  /** The `$ref` standing for the built-in `JsonValue` type; resolved like any other. */
  readonly jsonValueRef: string;
  /** Whether a non-required property with a `default` is required (the sender always writes it). */
  readonly defaultedPropertiesRequired: boolean;
  /** Names bound in the file (its own type and imports): a global they shadow is not used. */
  readonly localNames: ReadonlySet<string>;
}

export function schemaToTypeNode(schema: JsonSchema, context: TypeContext): ts.TypeNode {
  if (schema === true) return jsonValue(context);
  if (schema === false) return keyword(ts.SyntaxKind.NeverKeyword);
  if (typeof schema.$ref === "string") return f.createTypeReferenceNode(context.resolve(schema.$ref));

  const combined = [
    ...schemaList(schema.allOf).map((member) => schemaToTypeNode(member, context)),
    ...[schema.anyOf, schema.oneOf]
      .map(schemaList)
      .filter((members) => members.length > 0)
      .map((members) => union(members.map((member) => schemaToTypeNode(member, context)))),
  ];
  const base = combined.length === 0 || hasShape(schema) ? baseTypeNode(schema, context) : undefined;
  const parts = base === undefined ? combined : [base, ...combined];
  if (parts.length === 0) return jsonValue(context);
  return parts.length === 1 ? (parts[0] as ts.TypeNode) : f.createIntersectionTypeNode(parts);
}

/** The type from `const`, `enum` or `type` (inferred from object/array keywords when absent). */
function baseTypeNode(schema: JsonSchemaObject, context: TypeContext): ts.TypeNode | undefined {
  if ("const" in schema) return literalTypeNode(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literalTypeNode));
  const types = typeNames(schema);
  if (types === undefined) return undefined;
  const nodes = new Map<string, ts.TypeNode>();
  for (const type of types) {
    // integer and number both become `number`; keep the first so the union has no repeats.
    const key = type === "integer" ? "number" : type;
    if (!nodes.has(key)) nodes.set(key, simpleTypeNode(key, schema, context));
  }
  return union([...nodes.values()]);
}

function simpleTypeNode(type: string, schema: JsonSchemaObject, context: TypeContext): ts.TypeNode {
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
      return arrayTypeNode(schema, context);
    case "object":
      return objectTypeNode(schema, context);
    default:
      // Not a draft-07 type name; the loader's meta-schema check rejects it before we get here.
      return keyword(ts.SyntaxKind.UnknownKeyword);
  }
}

function arrayTypeNode(schema: JsonSchemaObject, context: TypeContext): ts.TypeNode {
  const items = schema.items;
  if (Array.isArray(items)) {
    const tuple = f.createTupleTypeNode(schemaList(items).map((item) => schemaToTypeNode(item, context)));
    return ts.setEmitFlags(tuple, ts.EmitFlags.SingleLine);
  }
  return f.createTypeReferenceNode("Array", [isSchema(items) ? schemaToTypeNode(items, context) : jsonValue(context)]);
}

function objectTypeNode(schema: JsonSchemaObject, context: TypeContext): ts.TypeNode {
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const keys = Object.keys(properties).sort(compareCodeUnits);
  const additional = schema.additionalProperties;
  if (keys.length === 0) {
    if (additional === true) return mapTypeNode(jsonValue(context));
    if (isPlainObject(additional)) return mapTypeNode(schemaToTypeNode(additional, context));
    const declaresMembers = isPlainObject(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0;
    if (!declaresMembers && (additional === false || onlyObject(schema))) return emptyObjectTypeNode(context);
    return mapTypeNode(keyword(ts.SyntaxKind.UnknownKeyword));
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : []);
  const members = keys.map((key) => {
    const property = properties[key];
    const propertySchema: JsonSchema = isSchema(property) ? property : true;
    const present = required.has(key) || (context.defaultedPropertiesRequired && alwaysWritten(propertySchema));
    const signature = f.createPropertySignature(
      undefined,
      propertyNameNode(key),
      present ? undefined : f.createToken(ts.SyntaxKind.QuestionToken),
      schemaToTypeNode(propertySchema, context),
    );
    return withDoc(signature, docLines(propertySchema, context.resolve));
  });
  const literal = f.createTypeLiteralNode(members);
  if (additional === true) return f.createIntersectionTypeNode([literal, mapTypeNode(jsonValue(context))]);
  if (isPlainObject(additional)) {
    return f.createIntersectionTypeNode([literal, mapTypeNode(schemaToTypeNode(additional, context))]);
  }
  return literal;
}

/** Whether `object` is the schema's only type besides `null`: a struct, not one case of a wider value. */
function onlyObject(schema: JsonSchemaObject): boolean {
  const types = typeNames(schema) ?? [];
  return types.length > 0 && types.every((type) => type === "object" || type === "null");
}

/**
 * A defaulted property the sender always writes. One that admits `null` stays `k?: T | null`:
 * that reads like ts-rs's `k: T | null` (the documented optional ↔ nullable difference) and
 * keeps `Option` fields optional for whoever writes them.
 */
function alwaysWritten(schema: JsonSchema): boolean {
  return typeof schema === "object" && "default" in schema && !admitsNull(schema);
}

/** Whether the schema itself (not a type it refers to) lets `null` through. */
function admitsNull(schema: JsonSchema): boolean {
  if (typeof schema === "boolean") return schema;
  if (schema.default === null || schema.const === null) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) return true;
  return [...schemaList(schema.anyOf), ...schemaList(schema.oneOf)].some(admitsNull);
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

/**
 * `Record<string, never>`, as ts-rs writes an empty struct; spelled `{ [key in string]: never }`
 * (the same type) in a file where a schema type named `Record` shadows the global.
 */
function emptyObjectTypeNode(context: TypeContext): ts.TypeNode {
  if (!context.localNames.has("Record")) {
    return f.createTypeReferenceNode("Record", [keyword(ts.SyntaxKind.StringKeyword), keyword(ts.SyntaxKind.NeverKeyword)]);
  }
  const node = f.createMappedTypeNode(
    undefined,
    f.createTypeParameterDeclaration(undefined, "key", keyword(ts.SyntaxKind.StringKeyword)),
    undefined,
    undefined,
    keyword(ts.SyntaxKind.NeverKeyword),
    undefined,
  );
  return ts.setEmitFlags(node, ts.EmitFlags.SingleLine);
}

function jsonValue(context: TypeContext): ts.TypeNode {
  return f.createTypeReferenceNode(context.resolve(context.jsonValueRef));
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
