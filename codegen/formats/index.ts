/**
 * Every `format` a schema may use, and where its check comes from: schemars' numeric formats
 * from ./numeric.ts, the string formats from ajv-formats ("full" mode, the RFC-exact checks).
 * Any other format is an error at codegen time — a typo in a schema must not silently turn
 * a check off.
 */
import type { Format } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { numericFormat, numericFormatPredicate } from "./numeric.js";

export { NUMERIC_FORMATS, numericFormat, numericFormatHint, numericFormatPredicate } from "./numeric.js";
export type { NumericFormat, NumericFormatKind } from "./numeric.js";

export type FormatSource = "numeric" | "ajv-formats";

export interface KnownFormat {
  readonly name: string;
  readonly source: FormatSource;
  /** The check ajv compiles against at codegen time. */
  readonly definition: Format;
}

const ajvFormats: Readonly<Record<string, Format>> = fullFormats;

export function knownFormat(name: string): KnownFormat | undefined {
  // schemars' meaning wins where ajv-formats also defines a name (int32, int64, float, double):
  // ajv-formats' int64 only checks for a safe integer and its float accepts any number.
  const numeric = numericFormat(name);
  if (numeric !== undefined) {
    return {
      name,
      source: "numeric",
      definition: { type: "number", validate: numericFormatPredicate(numeric) },
    };
  }
  if (Object.hasOwn(ajvFormats, name)) {
    const definition = ajvFormats[name];
    if (definition !== undefined) return { name, source: "ajv-formats", definition };
  }
  return undefined;
}
