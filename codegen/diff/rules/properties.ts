import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { descend } from "../context.js";
import { judge, verdict } from "../verdicts.js";
import type { KeywordRule } from "./rule.js";

function properties(schema: JsonSchemaObject): Record<string, JsonSchema> {
  const value = schema.properties;
  return typeof value === "object" && value !== null ? (value as Record<string, JsonSchema>) : {};
}

function required(schema: JsonSchemaObject): Set<string> {
  const value = schema.required;
  return new Set(Array.isArray(value) ? value.filter((name): name is string => typeof name === "string") : []);
}

/** An object that rejects properties it does not list. */
function closed(schema: JsonSchemaObject): boolean {
  return schema.additionalProperties === false;
}

const UNKNOWN_IGNORED = "old clients ignore properties they do not know";
const UNKNOWN_REJECTED = "old clients reject properties they do not know (additionalProperties: false)";

export const propertiesRule: KeywordRule = {
  name: "properties",
  keywords: ["properties", "required"],
  compare(ctx, base, head, at) {
    const before = properties(base);
    const after = properties(head);
    const requiredBefore = required(base);
    const requiredAfter = required(head);
    const names = new Set([...Object.keys(before), ...Object.keys(after), ...requiredBefore, ...requiredAfter]);
    for (const name of [...names].sort()) {
      const inBefore = Object.hasOwn(before, name) || requiredBefore.has(name);
      const inAfter = Object.hasOwn(after, name) || requiredAfter.has(name);
      const here = descend(at, { kind: "property", name }, ["properties", name]);
      if (!inAfter) {
        ctx.report(
          {
            kind: "property-removed",
            detail: `property "${name}" removed`,
            judge: judge(
              closed(head)
                ? verdict("breaking", "old clients may still send it and the server now rejects unknown properties")
                : verdict("warning", "old clients may still send it; the server now ignores it"),
              requiredBefore.has(name)
                ? verdict("breaking", "it was required: old clients expect it in every message")
                : verdict("safe", "it was optional: old clients already handle its absence"),
            ),
          },
          here,
        );
        continue;
      }
      if (!inBefore) {
        const isRequired = requiredAfter.has(name);
        const client = closed(base) ? verdict("breaking", UNKNOWN_REJECTED) : verdict("safe", UNKNOWN_IGNORED);
        ctx.report(
          isRequired
            ? {
                kind: "required-property-added",
                detail: `required property "${name}" added`,
                judge: judge(verdict("breaking", "old clients do not send it"), client),
              }
            : {
                kind: "property-added",
                detail: `optional property "${name}" added`,
                judge: judge(verdict("safe", "it is optional: old clients may omit it"), client),
              },
          here,
        );
        continue;
      }
      if (requiredBefore.has(name) !== requiredAfter.has(name)) {
        const nowRequired = requiredAfter.has(name);
        ctx.report(
          nowRequired
            ? {
                kind: "property-made-required",
                detail: `property "${name}" is now required`,
                judge: judge(
                  verdict("breaking", "old clients may omit it"),
                  verdict("safe", "the server now always sends it"),
                ),
              }
            : {
                kind: "property-made-optional",
                detail: `property "${name}" is now optional`,
                judge: judge(
                  verdict("safe", "old clients always send it, which is still accepted"),
                  verdict("breaking", "old clients expect it in every message"),
                ),
              },
          here,
        );
      }
      const schemaBefore = before[name];
      const schemaAfter = after[name];
      if (schemaBefore !== undefined && schemaAfter !== undefined) ctx.compare(schemaBefore, schemaAfter, here);
    }
    return undefined;
  },
};
