import type { JsonSchemaObject } from "../../model/model.js";
import { incompatible, narrowing, widening } from "../verdicts.js";
import type { KeywordRule } from "./rule.js";

/** `type` without null (nullability has its own rule); undefined when unconstrained. */
function typeSet(schema: JsonSchemaObject): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === "string"));
  return undefined;
}

function accepts(set: Set<string> | undefined, type: string): boolean {
  if (set === undefined) return true;
  return set.has(type) || (type === "integer" && set.has("number"));
}

function covers(outer: Set<string> | undefined, inner: Set<string> | undefined): boolean {
  if (inner === undefined) return outer === undefined;
  return [...inner].every((type) => accepts(outer, type));
}

function render(set: Set<string> | undefined): string {
  return set === undefined ? "any" : [...set].sort().join(" | ");
}

export const typeRule: KeywordRule = {
  name: "type",
  keywords: ["type"],
  compare(ctx, base, head, at) {
    const before = typeSet(base);
    const after = typeSet(head);
    const widened = covers(after, before);
    const narrowed = covers(before, after);
    if (widened && narrowed) return undefined;
    const detail = `type ${render(before)} → ${render(after)}`;
    if (widened) {
      ctx.report({ kind: "type-widened", detail, judge: widening() }, at);
      return undefined;
    }
    if (narrowed) {
      ctx.report({ kind: "type-narrowed", detail, judge: narrowing() }, at);
      return undefined;
    }
    ctx.report({ kind: "type-changed", detail, judge: incompatible() }, at);
    return "stop";
  },
};
