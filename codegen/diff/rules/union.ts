/**
 * `oneOf`/`anyOf` unions, compared variant by variant. A side without a union is treated as a
 * union of one variant, so turning a plain enum into "enum or object" (as upstream did with
 * `AskForApproval`) reads as one variant added.
 */
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { typeIdFromRef } from "../../model/model.js";
import { ANNOTATION_KEYWORDS, descend, type CompareContext, type Location } from "../context.js";
import { isObject } from "../normalize.js";
import { incompatible, narrowing, unjudged, widening } from "../verdicts.js";
import { show } from "./rule.js";
import { pairVariants, tagValue, withoutProperty } from "./variant-pairing.js";

export type UnionKeyword = "anyOf" | "oneOf";

export interface UnionView {
  readonly keyword: UnionKeyword;
  readonly variants: readonly JsonSchema[];
  /** The keywords beside the union, compared like any schema. */
  readonly rest: JsonSchemaObject;
  /** True when the side had no union and was wrapped as one variant. */
  readonly wrapped: boolean;
}

export function unionOf(schema: JsonSchemaObject): UnionView | undefined {
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const variants = schema[keyword];
    if (!Array.isArray(variants)) continue;
    const { [keyword]: _union, ...rest } = schema;
    return { keyword, variants: variants as JsonSchema[], rest, wrapped: false };
  }
  return undefined;
}

/**
 * The whole schema as the only variant. Its annotations stay beside the union, and so do the
 * keywords the other side keeps beside its union (`type: "object"` next to `oneOf`, which
 * its variants inherit), so those are compared with each other, not with the variants.
 */
export function asUnion(schema: JsonSchemaObject, other: UnionView): UnionView {
  const rest: JsonSchemaObject = {};
  const variant: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    const besideUnion = Object.hasOwn(other.rest, key) || (ANNOTATION_KEYWORDS.includes(key) && key !== "title");
    if (besideUnion) rest[key] = value;
    else variant[key] = value;
  }
  return { keyword: other.keyword, variants: [variant], rest, wrapped: true };
}

function label(ctx: CompareContext, side: "base" | "head", variant: JsonSchema, index: number, tag: string | undefined): string {
  const view = ctx.inspect(side, variant);
  if (tag !== undefined) {
    const value = tagValue(view, tag);
    if (value !== undefined) return `${tag}=${typeof value === "string" ? value : show(value)}`;
  }
  if (isObject(view) && typeof view.title === "string") return view.title;
  if (isObject(variant) && typeof variant.$ref === "string") {
    const id = typeIdFromRef(variant.$ref);
    if (id !== undefined) return id.split("/").pop() ?? id;
  }
  if (isObject(view) && view.additionalProperties === false && Array.isArray(view.required) && view.required.length === 1) {
    return String(view.required[0]);
  }
  return `#${index + 1}`;
}

function tokens(view: UnionView, index: number): (string | number)[] {
  return view.wrapped ? [] : [view.keyword, index];
}

export function compareUnions(ctx: CompareContext, base: UnionView, head: UnionView, at: Location): void {
  if (!base.wrapped && !head.wrapped && base.keyword !== head.keyword) {
    ctx.report(
      {
        kind: "union-keyword-changed",
        detail: `${base.keyword} → ${head.keyword}`,
        judge: unjudged("oneOf rejects values that match several variants; check that the variants do not overlap"),
      },
      at,
    );
  }
  const pairing = pairVariants(ctx, base.variants, head.variants);
  for (const pair of pairing.pairs) {
    const before = base.variants[pair.base];
    const after = head.variants[pair.head];
    if (before === undefined || after === undefined) continue;
    const here = descend(
      at,
      { kind: "variant", label: label(ctx, "head", after, pair.head, pairing.tag) },
      tokens(base, pair.base),
      tokens(head, pair.head),
    );
    if (pair.tagChange !== undefined) {
      ctx.report(
        {
          kind: "tag-changed",
          detail: `tag ${pairing.tag ?? ""} ${show(pair.tagChange.from)} → ${show(pair.tagChange.to)}`,
          judge: incompatible("old peers send and expect the old tag value"),
        },
        here,
      );
      ctx.compare(
        withoutProperty(ctx.inspect("base", before), pairing.tag),
        withoutProperty(ctx.inspect("head", after), pairing.tag),
        here,
      );
    } else {
      ctx.compare(before, after, here);
    }
  }
  for (const index of pairing.removed) {
    const variant = base.variants[index];
    if (variant === undefined) continue;
    const name = label(ctx, "base", variant, index, pairing.tag);
    ctx.report(
      { kind: "variant-removed", detail: `variant ${name} removed`, judge: narrowing() },
      descend(at, { kind: "variant", label: name }, tokens(base, index), []),
    );
  }
  for (const index of pairing.added) {
    const variant = head.variants[index];
    if (variant === undefined) continue;
    const name = label(ctx, "head", variant, index, pairing.tag);
    ctx.report(
      {
        kind: "variant-added",
        detail: `variant ${name} added`,
        judge: widening("warning", "old clients may receive a variant they do not know and fail if they match exhaustively"),
      },
      descend(at, { kind: "variant", label: name }, [], tokens(head, index)),
    );
  }
}
