import { unjudged } from "../verdicts.js";
import { jsonEqual, type KeywordRule } from "./rule.js";

/**
 * Every keyword no other rule owns is still compared, so that no schema change goes
 * unreported; it is only judged as "someone should look".
 */
export function fallbackRule(owned: ReadonlySet<string>): KeywordRule {
  return {
    name: "fallback",
    keywords: [],
    compare(ctx, base, head, at) {
      const keywords = new Set([...Object.keys(base), ...Object.keys(head)]);
      for (const keyword of [...keywords].sort()) {
        if (owned.has(keyword) || jsonEqual(base[keyword], head[keyword])) continue;
        ctx.report(
          {
            kind: "keyword-changed",
            detail: `${keyword} changed`,
            judge: unjudged(`the diff does not judge "${keyword}"; check by hand`),
          },
          at,
        );
      }
      return undefined;
    },
  };
}
