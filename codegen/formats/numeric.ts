/**
 * schemars' numeric formats and the range each one stands for. This table is the single source
 * for both sides: codegen registers these formats with ajv, and the generated
 * `validators/formats.js` is printed from the same entries, so the check ajv compiled against
 * and the check that runs are the same.
 *
 * JSON numbers arrive as IEEE doubles: `JSON.parse` has already rounded anything beyond 2^53
 * before a validator sees it. int64/uint64 (and schemars' pointer-sized `int`/`uint`, 64-bit on
 * the platforms Codex ships) are therefore checked at double precision: the value must be an
 * integer no further out than the double nearest the Rust bound, so i64::MAX (which parses to
 * 2^63) passes and 2^64 fails for int64. Exact 64-bit checks would need the raw text.
 */

export type NumericFormatKind = "integer" | "finite";

export interface NumericFormat {
  readonly name: string;
  readonly kind: NumericFormatKind;
  /** Inclusive bounds for integer formats, exact (as Rust states them). */
  readonly min?: bigint;
  readonly max?: bigint;
}

function integer(name: string, bits: number, signed: boolean): NumericFormat {
  const size = 1n << BigInt(bits);
  return signed
    ? { name, kind: "integer", min: -(size >> 1n), max: (size >> 1n) - 1n }
    : { name, kind: "integer", min: 0n, max: size - 1n };
}

/** Sorted by name so anything printed from it is stable. */
export const NUMERIC_FORMATS: readonly NumericFormat[] = [
  { name: "double", kind: "finite" },
  // f32 from a JSON number that is out of range becomes ±inf in serde rather than an error,
  // so `float` only demands a finite number, like `double`.
  { name: "float", kind: "finite" },
  integer("int", 64, true),
  integer("int16", 16, true),
  integer("int32", 32, true),
  integer("int64", 64, true),
  integer("int8", 8, true),
  integer("uint", 64, false),
  integer("uint16", 16, false),
  integer("uint32", 32, false),
  integer("uint64", 64, false),
  integer("uint8", 8, false),
];

const byName = new Map(NUMERIC_FORMATS.map((format) => [format.name, format]));

export function numericFormat(name: string): NumericFormat | undefined {
  return byName.get(name);
}

/** What a value must be, for error messages: "uint32 (0..4294967295)", "double (a finite number)". */
export function numericFormatHint(format: NumericFormat): string {
  return format.kind === "finite"
    ? `${format.name} (a finite number)`
    : `${format.name} (${String(format.min)}..${String(format.max)})`;
}

/** The predicate the generated code prints, as a function codegen (and tests) can call. */
export function numericFormatPredicate(format: NumericFormat): (value: number) => boolean {
  if (format.kind === "finite") return (value) => Number.isFinite(value);
  const min = Number(format.min);
  const max = Number(format.max);
  return (value) => Number.isInteger(value) && value >= min && value <= max;
}
