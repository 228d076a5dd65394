import type { JsonSchemaObject } from "../../model/model.js";
import { judge, narrowing, verdict, widening } from "../verdicts.js";
import { has, show, type KeywordRule } from "./rule.js";

/** The allowed values (`const` is a one-value enum), keyed by their JSON text. */
function values(schema: JsonSchemaObject): Map<string, unknown> | undefined {
  const list = has(schema, "const") ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (list === undefined) return undefined;
  return new Map(list.filter((value) => value !== null).map((value) => [JSON.stringify(value), value]));
}

export const enumRule: KeywordRule = {
  name: "enum",
  keywords: ["enum", "const"],
  compare(ctx, base, head, at) {
    const before = values(base);
    const after = values(head);
    if (before === undefined && after === undefined) return undefined;
    if (before === undefined || after === undefined) {
      const restricted = after !== undefined;
      const listed = [...(after ?? before ?? new Map<string, unknown>()).keys()].join(", ");
      ctx.report(
        restricted
          ? { kind: "constraint-narrowed", detail: `values restricted to ${listed}`, judge: narrowing() }
          : { kind: "constraint-widened", detail: `values no longer restricted to ${listed}`, judge: widening() },
        at,
      );
      return undefined;
    }
    for (const [key, value] of before) {
      if (after.has(key)) continue;
      ctx.report(
        {
          kind: "enum-value-removed",
          detail: `enum value ${show(value)} removed`,
          judge: judge(
            verdict("breaking", `old clients may still send ${show(value)}; the server now rejects it`),
            verdict("safe", `the server no longer sends ${show(value)}; old clients still understand the rest`),
          ),
        },
        at,
      );
    }
    for (const [key, value] of after) {
      if (before.has(key)) continue;
      ctx.report(
        {
          kind: "enum-value-added",
          detail: `enum value ${show(value)} added`,
          judge: widening(
            "warning",
            `old clients may receive ${show(value)} and fail if they match the values exhaustively`,
          ),
        },
        at,
      );
    }
    return undefined;
  },
};
