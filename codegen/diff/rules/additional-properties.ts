import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { descend } from "../context.js";
import { narrowing, widening } from "../verdicts.js";
import type { KeywordRule } from "./rule.js";

type Extra = { readonly kind: "open" } | { readonly kind: "closed" } | { readonly kind: "schema"; readonly schema: JsonSchema };

/** How the object treats properties it does not list. */
function extra(schema: JsonSchemaObject): Extra {
  const value = schema.additionalProperties;
  if (value === undefined || value === true) return { kind: "open" };
  if (value === false) return { kind: "closed" };
  return { kind: "schema", schema: value as JsonSchema };
}

/** open accepts anything, a schema some values, closed none. */
const OPENNESS = { open: 2, schema: 1, closed: 0 } as const;

export const additionalPropertiesRule: KeywordRule = {
  name: "additionalProperties",
  keywords: ["additionalProperties"],
  compare(ctx, base, head, at) {
    const before = extra(base);
    const after = extra(head);
    if (before.kind === "schema" && after.kind === "schema") {
      ctx.compare(
        before.schema,
        after.schema,
        descend(at, { kind: "values" }, ["additionalProperties"]),
      );
      return undefined;
    }
    if (before.kind === after.kind) return undefined;
    const detail = `additionalProperties ${before.kind} → ${after.kind}`;
    ctx.report(
      OPENNESS[after.kind] < OPENNESS[before.kind]
        ? { kind: "additional-properties-tightened", detail, judge: narrowing() }
        : {
            kind: "additional-properties-loosened",
            detail,
            judge: widening(
              "warning",
              "old clients that validate strictly may reject properties the new schema allows",
            ),
          },
      at,
    );
    return undefined;
  },
};
