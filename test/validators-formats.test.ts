/**
 * schemars' numeric formats: the table in codegen/formats, the checks printed into the
 * generated formats.ts, and the compiled validators all agree, at the edges of every range.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { NUMERIC_FORMATS, numericFormatHint, numericFormatPredicate } from "../codegen/formats/index.js";
import { modelOf, namedType } from "../codegen/emit/types/test-support.js";
import { emitValidators } from "../codegen/emit/validators/index.js";
import { writeGeneratedTree } from "../codegen/emit/validators/test-support.js";

const EDGES: Record<string, readonly [accepted: readonly number[], rejected: readonly number[]]> = {
  int8: [[-128, 0, 127], [-129, 128, 0.5]],
  int16: [[-32768, 32767], [-32769, 32768]],
  int32: [[-2147483648, 2147483647], [-2147483649, 2147483648, 1e-7]],
  uint8: [[0, 255], [-1, 256]],
  uint16: [[0, 65535], [-1, 65536]],
  uint32: [[0, 4294967295], [-1, 4294967296]],
  // Doubles: 2 ** 63 is what JSON.parse makes of i64::MAX; the next double up is out of range.
  int64: [[-(2 ** 63), Number.MAX_SAFE_INTEGER, 2 ** 63], [2 ** 63 + 2 ** 11, -(2 ** 63) - 2 ** 11, 0.5]],
  int: [[-(2 ** 63), 2 ** 63], [2 ** 64]],
  uint64: [[0, 2 ** 64], [-1, 2 ** 64 + 2 ** 12, 1.25]],
  uint: [[0, 2 ** 64], [-1, 2 ** 64 + 2 ** 12]],
  float: [[0, -1.5, 3.4e38, Number.MAX_VALUE], [Infinity, -Infinity, Number.NaN]],
  double: [[0, -1.5, Number.MAX_VALUE], [Infinity, Number.NaN]],
};

describe("the numeric format table", () => {
  it("covers every schemars format, sorted by name", () => {
    const names = NUMERIC_FORMATS.map((format) => format.name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names)).toEqual(new Set(Object.keys(EDGES)));
  });

  it("describes the ranges in messages", () => {
    const hint = (name: string): string => numericFormatHint(NUMERIC_FORMATS.find((format) => format.name === name)!);
    expect(hint("uint32")).toBe("uint32 (0..4294967295)");
    expect(hint("int64")).toBe("int64 (-9223372036854775808..9223372036854775807)");
    expect(hint("double")).toBe("double (a finite number)");
  });

  it.each(Object.entries(EDGES))("%s accepts and rejects at its edges", (name, [accepted, rejected]) => {
    const format = NUMERIC_FORMATS.find((entry) => entry.name === name)!;
    const check = numericFormatPredicate(format);
    for (const value of accepted) expect([value, check(value)]).toEqual([value, true]);
    for (const value of rejected) expect([value, check(value)]).toEqual([value, false]);
  });
});

describe("generated formats.ts and validators", () => {
  const properties = Object.fromEntries(NUMERIC_FORMATS.map((format) => [format.name, { type: "number", format: format.name }]));
  const model = modelOf([namedType("Numbers", { type: "object", properties })]);

  it("check exactly what the table says", async () => {
    const tree = writeGeneratedTree(emitValidators(model));
    try {
      const formatsUrl = pathToFileURL(join(tree.dir, "validators/formats.js")).href;
      const { formats, formatHints } = (await import(formatsUrl)) as {
        formats: Record<string, { type: string; validate: (value: number) => boolean }>;
        formatHints: Record<string, string>;
      };
      const standaloneUrl = pathToFileURL(join(tree.dir, "validators/standalone.js")).href;
      const { $Numbers } = (await import(standaloneUrl)) as { $Numbers: (value: unknown) => boolean };
      for (const format of NUMERIC_FORMATS) {
        expect(formatHints[format.name]).toBe(numericFormatHint(format));
        const [accepted, rejected] = EDGES[format.name]!;
        for (const value of [...accepted, ...rejected]) {
          const expected = numericFormatPredicate(format)(value);
          expect([format.name, value, formats[format.name]?.validate(value)]).toEqual([format.name, value, expected]);
          expect([format.name, value, $Numbers({ [format.name]: value })]).toEqual([format.name, value, expected]);
        }
      }
    } finally {
      tree.remove();
    }
  });

  it("are only emitted for the formats a model uses", () => {
    const files = emitValidators(modelOf([namedType("Small", { type: "integer", format: "uint16" })]));
    const formats = files.find((file) => file.path === "validators/formats.ts")?.contents ?? "";
    expect(formats).toContain("uint16:");
    expect(formats).not.toContain("uint32");
    expect(formats).not.toContain("ajv-formats");
  });
});
