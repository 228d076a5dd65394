import type { JsonSchemaObject } from "../../model/model.js";
import type { CompareContext, Location } from "../context.js";
import { incompatible, narrowing, unjudged, widening } from "../verdicts.js";
import { compareIntervals, renderInterval, type Interval } from "./interval.js";
import { numericFormatName } from "./numeric-range.js";
import { jsonEqual, show, type KeywordRule } from "./rule.js";

/** Size keywords come in min/max pairs; each pair is one interval. */
const SIZES = [
  ["minLength", "maxLength"],
  ["minItems", "maxItems"],
  ["minProperties", "maxProperties"],
] as const;

function size(schema: JsonSchemaObject, min: string, max: string): Interval {
  const low = schema[min];
  const high = schema[max];
  return {
    low: typeof low === "number" ? low : 0,
    lowExclusive: false,
    high: typeof high === "number" ? high : Infinity,
    highExclusive: false,
  };
}

/**
 * A keyword that restricts values when present and whose values cannot be compared with each
 * other (a regular expression, a string format): adding it narrows, removing it widens.
 */
function compareRestriction(
  ctx: CompareContext,
  keyword: string,
  before: unknown,
  after: unknown,
  at: Location,
): void {
  if (jsonEqual(before, after)) return;
  const detail = `${keyword} ${show(before)} → ${show(after)}`;
  if (before === undefined) ctx.report({ kind: "constraint-narrowed", detail, judge: narrowing() }, at);
  else if (after === undefined) ctx.report({ kind: "constraint-widened", detail, judge: widening() }, at);
  else {
    ctx.report(
      {
        kind: "constraint-changed",
        detail,
        judge: unjudged(`cannot tell whether the new ${keyword} accepts the old values; check by hand`),
      },
      at,
    );
  }
}

export const constraintsRule: KeywordRule = {
  name: "constraints",
  keywords: [...SIZES.flat(), "pattern", "format", "uniqueItems", "multipleOf"],
  compare(ctx, base, head, at) {
    for (const [min, max] of SIZES) {
      const before = size(base, min, max);
      const after = size(head, min, max);
      const detail = `${min}/${max} ${renderInterval(before)} → ${renderInterval(after)}`;
      switch (compareIntervals(before, after)) {
        case "narrowed":
          ctx.report({ kind: "constraint-narrowed", detail, judge: narrowing() }, at);
          break;
        case "widened":
          ctx.report({ kind: "constraint-widened", detail, judge: widening() }, at);
          break;
        case "changed":
          ctx.report({ kind: "constraint-changed", detail, judge: incompatible() }, at);
          break;
        case "same":
          break;
      }
    }
    compareRestriction(ctx, "pattern", base.pattern, head.pattern, at);
    compareRestriction(ctx, "multipleOf", base.multipleOf, head.multipleOf, at);
    // Numeric formats are ranges, judged by the numeric-range rule.
    if (numericFormatName(base) === undefined && numericFormatName(head) === undefined) {
      compareRestriction(ctx, "format", base.format, head.format, at);
    }
    compareRestriction(ctx, "uniqueItems", base.uniqueItems === true || undefined, head.uniqueItems === true || undefined, at);
    return undefined;
  },
};
