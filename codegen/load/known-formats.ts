import { formatNames } from "ajv-formats/dist/formats.js";

/**
 * schemars' numeric `format`s (upstream's Rust types). ajv does not know them, so the
 * validator emitter registers them itself; the loader accepts them.
 */
export const schemarsNumericFormats: readonly string[] = [
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "uint",
  "int",
  "float",
  "double",
];

/** ajv-formats' names (date-time, uuid, uri, …): generated validators check these. */
export const ajvFormatNames: readonly string[] = [...formatNames];

/**
 * Every `format` a schema may use. Anything else is a schema error: an unknown format would
 * silently validate nothing, so a typo would go unnoticed.
 */
export const knownFormats: readonly string[] = [
  ...new Set([...schemarsNumericFormats, ...ajvFormatNames]),
].sort();

const knownFormatSet: ReadonlySet<string> = new Set(knownFormats);

export function isKnownFormat(format: string): boolean {
  return knownFormatSet.has(format);
}
