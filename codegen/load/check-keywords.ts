import type { SchemaError } from "../errors.js";
import { joinPointer } from "./json-pointer.js";
import { isKnownFormat } from "./known-formats.js";
import { forEachSchemaObject } from "./schema-walk.js";

/**
 * Keyword uses the meta-schema allows but the toolkit cannot honour: an unknown `format`
 * (it would validate nothing) and `$id` (it changes what relative `$ref`s mean, while a
 * type's identity here is its file path or definitions key).
 */
export function checkKeywords(schema: unknown, file: string, pointer: string): SchemaError[] {
  const errors: SchemaError[] = [];
  forEachSchemaObject(schema, pointer, (node, nodePointer) => {
    const format = node["format"];
    if (typeof format === "string" && !isKnownFormat(format)) {
      errors.push({
        file,
        pointer: joinPointer(nodePointer, "format"),
        message: `unknown format ${JSON.stringify(format)}: use a known one (schemars' int32, uint64, double, …; ajv-formats' date-time, uuid, uri, …; see knownFormats in codegen/load/known-formats.ts) or remove it`,
      });
    }
    if ("$id" in node) {
      errors.push({
        file,
        pointer: joinPointer(nodePointer, "$id"),
        message: "$id is not supported (a type is identified by its file path or definitions key, and $id would change how $refs resolve); remove it",
      });
    }
  });
  return errors;
}
