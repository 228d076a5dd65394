import type { JsonSchema } from "../../model/model.js";
import { descend } from "../context.js";
import { narrowing, unjudged, widening } from "../verdicts.js";
import { jsonEqual, type KeywordRule } from "./rule.js";

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || (typeof value === "object" && value !== null && !Array.isArray(value));
}

export const itemsRule: KeywordRule = {
  name: "items",
  keywords: ["items", "additionalItems"],
  compare(ctx, base, head, at) {
    const before = base.items;
    const after = head.items;
    if (isSchema(before) && isSchema(after)) {
      ctx.compare(before, after, descend(at, { kind: "items" }, ["items"]));
    } else if (before === undefined && isSchema(after)) {
      ctx.report({ kind: "constraint-narrowed", detail: "array items now constrained", judge: narrowing() }, at);
    } else if (isSchema(before) && after === undefined) {
      ctx.report({ kind: "constraint-widened", detail: "array items no longer constrained", judge: widening() }, at);
    } else if (!jsonEqual(before, after)) {
      ctx.report(
        { kind: "keyword-changed", detail: "tuple items changed", judge: unjudged("tuple items are not judged; check by hand") },
        at,
      );
    }
    if (!jsonEqual(base.additionalItems, head.additionalItems)) {
      ctx.report(
        {
          kind: "keyword-changed",
          detail: "additionalItems changed",
          judge: unjudged("additionalItems is not judged; check by hand"),
        },
        at,
      );
    }
    return undefined;
  },
};
