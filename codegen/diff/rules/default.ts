import { judge, verdict } from "../verdicts.js";
import { has, jsonEqual, show, type KeywordRule } from "./rule.js";

export const defaultRule: KeywordRule = {
  name: "default",
  keywords: ["default"],
  compare(ctx, base, head, at) {
    const before = has(base, "default");
    const after = has(head, "default");
    if (!before && !after) return undefined;
    if (before && after && jsonEqual(base.default, head.default)) return undefined;
    if (!before) {
      const documented = verdict("safe", "documents the value assumed when it is absent");
      ctx.report(
        { kind: "default-added", detail: `default ${show(head.default)} added`, judge: judge(documented, documented) },
        at,
      );
    } else if (!after) {
      ctx.report(
        {
          kind: "default-removed",
          detail: `default ${show(base.default)} removed`,
          judge: judge(
            verdict("warning", "old clients that omit it relied on the documented default"),
            verdict("safe", "old clients keep assuming the old default when it is absent"),
          ),
        },
        at,
      );
    } else {
      ctx.report(
        {
          kind: "default-changed",
          detail: `default ${show(base.default)} → ${show(head.default)}`,
          judge: judge(
            verdict("warning", "old clients that omit it now get a different value"),
            verdict("warning", "old clients assume the old default when it is absent"),
          ),
        },
        at,
      );
    }
    return undefined;
  },
};
