import type { JsonSchemaObject } from "../../model/model.js";
import { numericFormat } from "../../formats/numeric.js";
import { incompatible, narrowing, verdict, judge, widening } from "../verdicts.js";
import { compareIntervals, EVERYTHING, intersect, renderInterval, type Interval } from "./interval.js";
import type { KeywordRule } from "./rule.js";

const BOUNDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const;

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

/** A numeric format's name when it is one of schemars' numeric formats. */
export function numericFormatName(schema: JsonSchemaObject): string | undefined {
  const format = schema.format;
  return typeof format === "string" && numericFormat(format) !== undefined ? format : undefined;
}

/** The values the schema's numeric keywords admit, bounds and format together. */
function range(schema: JsonSchemaObject): Interval {
  let interval: Interval = {
    low: numberOr(schema.minimum, -Infinity),
    lowExclusive: false,
    high: numberOr(schema.maximum, Infinity),
    highExclusive: false,
  };
  if (typeof schema.exclusiveMinimum === "number") {
    interval = intersect(interval, { ...EVERYTHING, low: schema.exclusiveMinimum, lowExclusive: true });
  }
  if (typeof schema.exclusiveMaximum === "number") {
    interval = intersect(interval, { ...EVERYTHING, high: schema.exclusiveMaximum, highExclusive: true });
  }
  const name = numericFormatName(schema);
  const format = name === undefined ? undefined : numericFormat(name);
  if (format?.min !== undefined && format.max !== undefined) {
    // Past 2^53 doubles still order the 64-bit bounds correctly, which is all this needs.
    interval = intersect(interval, {
      low: Number(format.min),
      lowExclusive: false,
      high: Number(format.max),
      highExclusive: false,
    });
  }
  return interval;
}

function label(schema: JsonSchemaObject): string {
  const name = numericFormatName(schema);
  if (name === undefined) return renderInterval(range(schema));
  const format = numericFormat(name);
  const interval = range(schema);
  // Doubles print 2^64-1 as 18446744073709552000; the format's own bounds are exact.
  const exact =
    format?.min !== undefined && format.max !== undefined &&
    interval.low === Number(format.min) && interval.high === Number(format.max) && !interval.lowExclusive && !interval.highExclusive;
  return `${exact ? `[${String(format.min)}..${String(format.max)}]` : renderInterval(interval)} (${name})`;
}

export const numericRangeRule: KeywordRule = {
  name: "numeric-range",
  keywords: [...BOUNDS, "format"],
  compare(ctx, base, head, at) {
    const involved =
      BOUNDS.some((keyword) => base[keyword] !== undefined || head[keyword] !== undefined) ||
      numericFormatName(base) !== undefined ||
      numericFormatName(head) !== undefined;
    if (!involved) return undefined;
    const detail = `range ${label(base)} → ${label(head)}`;
    switch (compareIntervals(range(base), range(head))) {
      case "same":
        if (base.format !== head.format) {
          ctx.report(
            {
              kind: "numeric-format-changed",
              detail: `format ${String(base.format)} → ${String(head.format)}`,
              judge: judge(
                verdict("safe", "the range of accepted numbers is unchanged"),
                verdict("safe", "the range of accepted numbers is unchanged"),
              ),
            },
            at,
          );
        }
        return undefined;
      case "narrowed":
        ctx.report({ kind: "numeric-range-narrowed", detail, judge: narrowing() }, at);
        return undefined;
      case "widened":
        ctx.report(
          {
            kind: "numeric-range-widened",
            detail,
            judge: widening("breaking", "old clients may receive numbers outside the range they parse into"),
          },
          at,
        );
        return undefined;
      case "changed":
        ctx.report({ kind: "numeric-range-changed", detail, judge: incompatible() }, at);
        return undefined;
    }
  },
};
