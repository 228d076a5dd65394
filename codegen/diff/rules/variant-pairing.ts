/**
 * Which variant of the old union is which variant of the new one. Variants have no names on
 * the wire, so the pairing tries, in order: the tag value (schemars' internally tagged enums:
 * every variant has a required one-value property such as `type`), the title, the referenced
 * type, structural equality apart from the tag (a renamed tag), an external tag (a single
 * required property), a unique JSON type. What stays unpaired was removed or added.
 */
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { typeIdFromRef } from "../../model/model.js";
import type { CompareContext } from "../context.js";
import { isObject } from "../normalize.js";

export interface VariantPair {
  readonly base: number;
  readonly head: number;
  /** Set when the pair was found by something other than its tag and the tags differ. */
  readonly tagChange?: { readonly from: unknown; readonly to: unknown };
}

export interface Pairing {
  readonly tag: string | undefined;
  readonly pairs: readonly VariantPair[];
  readonly removed: readonly number[];
  readonly added: readonly number[];
}

interface Candidate {
  readonly index: number;
  readonly raw: JsonSchema;
  readonly view: JsonSchemaObject | boolean;
}

function propertiesOf(view: JsonSchemaObject | boolean): Record<string, unknown> {
  if (!isObject(view) || !isObject(view.properties)) return {};
  return view.properties;
}

/** The value of a one-value `enum`/`const` property, or undefined. */
export function tagValue(view: JsonSchemaObject | boolean, name: string): unknown {
  const property = propertiesOf(view)[name];
  if (!isObject(property)) return undefined;
  if (Object.hasOwn(property, "const")) return property.const;
  return Array.isArray(property.enum) && property.enum.length === 1 ? property.enum[0] : undefined;
}

function findTag(candidates: readonly Candidate[]): string | undefined {
  const [first] = candidates;
  if (first === undefined) return undefined;
  return Object.keys(propertiesOf(first.view))
    .sort()
    .find((name) => candidates.every((candidate) => tagValue(candidate.view, name) !== undefined));
}

function title(candidate: Candidate): unknown {
  return isObject(candidate.view) ? candidate.view.title : undefined;
}

function refId(candidate: Candidate): string | undefined {
  return isObject(candidate.raw) && typeof candidate.raw.$ref === "string"
    ? typeIdFromRef(candidate.raw.$ref)
    : undefined;
}

/** A coarse shape: the external tag of a `{name: …}` variant, else its JSON type. */
function signature(candidate: Candidate): string | undefined {
  const view = candidate.view;
  if (!isObject(view)) return undefined;
  const required = Array.isArray(view.required) ? view.required : [];
  if (view.additionalProperties === false && required.length === 1) return `external:${String(required[0])}`;
  const enumPart = Array.isArray(view.enum) ? "+enum" : "";
  return typeof view.type === "string" ? `${view.type}${enumPart}` : undefined;
}

export function withoutProperty(schema: JsonSchema, name: string | undefined): JsonSchema {
  if (name === undefined || !isObject(schema) || !isObject(schema.properties)) return schema;
  const { [name]: _tag, ...properties } = schema.properties;
  const required = Array.isArray(schema.required) ? schema.required.filter((entry) => entry !== name) : undefined;
  return { ...schema, properties, ...(required === undefined ? {} : { required }) };
}

export function pairVariants(
  ctx: CompareContext,
  base: readonly JsonSchema[],
  head: readonly JsonSchema[],
): Pairing {
  let before: Candidate[] = base.map((raw, index) => ({ index, raw, view: ctx.inspect("base", raw) }));
  let after: Candidate[] = head.map((raw, index) => ({ index, raw, view: ctx.inspect("head", raw) }));
  const tagBefore = findTag(before);
  const tag = tagBefore !== undefined && findTag(after) === tagBefore ? tagBefore : undefined;
  const pairs: VariantPair[] = [];

  const match = (key: (candidate: Candidate) => unknown, unique: boolean, same?: (b: Candidate, h: Candidate) => boolean): void => {
    for (const candidate of [...before]) {
      const value = key(candidate);
      if (value === undefined) continue;
      const matches = after.filter((other) => key(other) === value && (same === undefined || same(candidate, other)));
      const alike = before.filter((other) => key(other) === value);
      const [partner] = matches;
      if (partner === undefined || (unique && (matches.length > 1 || alike.length > 1))) continue;
      const from = tag === undefined ? undefined : tagValue(candidate.view, tag);
      const to = tag === undefined ? undefined : tagValue(partner.view, tag);
      pairs.push({
        base: candidate.index,
        head: partner.index,
        ...(from !== to ? { tagChange: { from, to } } : {}),
      });
      before = before.filter((other) => other !== candidate);
      after = after.filter((other) => other !== partner);
    }
  };

  if (tag !== undefined) match((candidate) => JSON.stringify(tagValue(candidate.view, tag)), true);
  match(title, true);
  match(refId, true);
  match(() => "any", false, (b, h) => ctx.same(withoutProperty(b.view, tag), withoutProperty(h.view, tag)));
  if (tag === undefined) {
    match(signature, true);
    if (before.length === 1 && after.length === 1) match(() => "last", false);
  }
  return {
    tag,
    pairs: pairs.sort((a, b) => a.head - b.head),
    removed: before.map((candidate) => candidate.index),
    added: after.map((candidate) => candidate.index),
  };
}
