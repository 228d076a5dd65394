/**
 * The built-in `JsonValue` type: what a schema that constrains nothing (`{}`, `true`, no
 * `type`) admits, written as ts-rs writes `serde_json::Value`. It is emitted once, in the root
 * namespace, when some schema needs it, and built by the emitter from an ordinary schema.
 */
import type { NamedType, ProtocolModel } from "../../model/model.js";

export const JSON_VALUE_ID = "JsonValue";
/**
 * How schemas built here refer to the built-in: not a normal-form `$ref`, so it can never be
 * mistaken for a schema type that happens to be named `JsonValue`.
 */
export const JSON_VALUE_REF = "codegen:builtin/JsonValue";

export function jsonValueType(model: ProtocolModel): NamedType {
  return {
    id: JSON_VALUE_ID,
    name: JSON_VALUE_ID,
    namespace: [],
    schema: {
      description: "Any JSON value: the type of a schema that does not constrain its value (`{}`, `true`, no `type`).",
      anyOf: [
        { type: "number" },
        { type: "string" },
        { type: "boolean" },
        { type: "array", items: { $ref: JSON_VALUE_REF } },
        { type: "object", additionalProperties: { $ref: JSON_VALUE_REF } },
        { type: "null" },
      ],
    },
    source: { file: model.sourceLabel, pointer: "" },
  };
}

/**
 * The schema's own root type named `JsonValue` would take the built-in's file and name;
 * the message says what to do (names are never changed silently).
 */
export function jsonValueClash(existing: NamedType): Error {
  return new Error(
    `type ${JSON.stringify(existing.id)} (${existing.source.file}${existing.source.pointer === "" ? "" : `#${existing.source.pointer}`}): the root name "JsonValue" is the types emitter's built-in for schemas that constrain nothing ({}, true, no "type"), which this protocol uses; rename the type in the schema`,
  );
}
