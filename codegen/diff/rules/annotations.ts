import { documentation } from "../verdicts.js";
import { jsonEqual, show, type KeywordRule } from "./rule.js";

/** `$schema` is bookkeeping, not documentation; a change of it is not worth a line. */
const DOCUMENTATION = ["description", "title", "$comment", "examples"] as const;

export const annotationsRule: KeywordRule = {
  name: "annotations",
  keywords: [...DOCUMENTATION, "$schema"],
  compare(ctx, base, head, at) {
    for (const keyword of DOCUMENTATION) {
      if (jsonEqual(base[keyword], head[keyword])) continue;
      const detail =
        keyword === "description" || keyword === "$comment" || keyword === "examples"
          ? `${keyword} ${base[keyword] === undefined ? "added" : head[keyword] === undefined ? "removed" : "changed"}`
          : `${keyword} ${show(base[keyword])} → ${show(head[keyword])}`;
      ctx.report(
        { kind: keyword === "title" ? "title-changed" : "description-changed", detail, judge: documentation() },
        at,
      );
    }
    return undefined;
  },
};
