import { formatNames } from "ajv-formats/dist/formats.js";
import { NUMERIC_FORMATS } from "../formats/index.js";

/**
 * schemars' numeric `format`s (upstream's Rust integer and float types). The table and the
 * checks behind them live in codegen/formats, which the validator emitter compiles against;
 * the loader only needs their names.
 */
export const schemarsNumericFormats: readonly string[] = NUMERIC_FORMATS.map((format) => format.name);

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
