/**
 * Compares one place of the old schema with the same place of the new one. References to
 * named types on both sides are not followed: they become a pair for the pair graph (which
 * compares each pair once, so cycles end there). A reference on one side only is looked
 * through, since the other side is inline and finite.
 */
import type { JsonSchema, JsonSchemaObject, NamedType, TypeId } from "../model/model.js";
import {
  NEUTRAL_KINDS,
  type CompareContext,
  type Location,
  type RawChange,
  type Side,
} from "./context.js";
import { normalize, type Normalized } from "./normalize.js";
import { ANNOTATION_RULE, STRUCTURE_RULES } from "./rules/index.js";
import { compareNullable } from "./rules/nullable.js";
import { asUnion, compareUnions, unionOf } from "./rules/union.js";
import { incompatible, narrowing, verdict, judge, widening } from "./verdicts.js";

export type TypeLookup = (id: TypeId) => NamedType | undefined;

export interface ReferencePair {
  readonly base: TypeId;
  readonly head: TypeId;
  readonly at: Location;
}

export interface WalkSink {
  readonly changes: RawChange[];
  readonly references: ReferencePair[];
}

/** Long alias chains are a schema bug, not a protocol; stop following before looping. */
const MAX_ALIAS_DEPTH = 16;

export class SchemaWalker implements CompareContext {
  constructor(
    private readonly lookup: Readonly<Record<Side, TypeLookup>>,
    readonly sink: WalkSink = { changes: [], references: [] },
    /**
     * Comparisons in progress that could recur without end: a named type looked through on
     * one side against a plain schema that does not shrink (`C = oneOf[C, string]` against
     * `string`). Meeting one again means the outer comparison already covers it.
     */
    private readonly active: Set<string> = new Set(),
  ) {}

  /** Runs `body` unless the same comparison is already running further up; true if it ran. */
  private once(key: string, body: () => void): boolean {
    if (this.active.has(key)) return false;
    this.active.add(key);
    try {
      body();
    } finally {
      this.active.delete(key);
    }
    return true;
  }

  report(change: Omit<RawChange, "at">, at: Location): void {
    this.sink.changes.push({ ...change, at });
  }

  same(base: JsonSchema, head: JsonSchema): boolean {
    const probe = new SchemaWalker(this.lookup, { changes: [], references: [] }, this.active);
    const at: Location = { segments: [], base: { type: "", pointer: "" }, head: { type: "", pointer: "" } };
    // Assumed equal while being decided, as for recursive types.
    if (!this.once(`same\u0000${JSON.stringify(base)}\u0000${JSON.stringify(head)}`, () => probe.compare(base, head, at))) return true;
    return (
      probe.sink.changes.every((change) => NEUTRAL_KINDS.has(change.kind)) &&
      probe.sink.references.every((pair) => pair.base === pair.head)
    );
  }

  inspect(side: Side, schema: JsonSchema): JsonSchemaObject | boolean {
    return this.lookThrough(side, normalize(schema), { type: "", pointer: "" }).normalized.core;
  }

  compare(base: JsonSchema, head: JsonSchema, at: Location): void {
    const before = normalize(base);
    const after = normalize(head);
    if ((before.ref === undefined) === (after.ref === undefined)) {
      this.compareNormalized(before, after, at);
      return;
    }
    this.once(`unfold\u0000${JSON.stringify(base)}\u0000${JSON.stringify(head)}`, () => this.compareNormalized(before, after, at));
  }

  private compareNormalized(start: Normalized, end: Normalized, at: Location): void {
    let before = start;
    let after = end;
    if (before.ref !== undefined && after.ref !== undefined) {
      compareNullable(this, before.nullable, after.nullable, at);
      this.compareObjects(withoutRef(before.core), withoutRef(after.core), at);
      this.sink.references.push({ base: before.ref, head: after.ref, at });
      if (before.ref !== after.ref) {
        this.report(
          {
            kind: "ref-target-changed",
            detail: `refers to ${after.ref} (was ${before.ref})`,
            judge: judge(
              verdict("safe", "the differences between the two types are reported on their own"),
              verdict("safe", "the differences between the two types are reported on their own"),
            ),
            retarget: { base: before.ref, head: after.ref },
          },
          at,
        );
      }
      return;
    }
    let here = at;
    if (before.ref !== undefined || after.ref !== undefined) {
      const detail =
        before.ref !== undefined ? `named type ${before.ref} inlined` : `inline schema moved to named type ${String(after.ref)}`;
      this.report(
        {
          kind: "ref-target-changed",
          detail,
          judge: judge(
            verdict("safe", "generated code names the type differently; the wire format is compared below"),
            verdict("safe", "generated code names the type differently; the wire format is compared below"),
          ),
        },
        at,
      );
      const resolvedBase = this.lookThrough("base", before, at.base);
      const resolvedHead = this.lookThrough("head", after, at.head);
      before = resolvedBase.normalized;
      after = resolvedHead.normalized;
      here = { segments: at.segments, base: resolvedBase.position, head: resolvedHead.position };
    }
    compareNullable(this, before.nullable, after.nullable, here);
    this.compareCores(before.core, after.core, here);
  }

  private lookThrough(
    side: Side,
    start: Normalized,
    position: Location["base"],
  ): { normalized: Normalized; position: Location["base"] } {
    let current = start;
    let where = position;
    for (let depth = 0; current.ref !== undefined && depth < MAX_ALIAS_DEPTH; depth += 1) {
      const target = this.lookup[side](current.ref);
      if (target === undefined) break;
      const siblings = typeof current.core === "object" ? withoutRef(current.core) : {};
      const next = normalize({ ...target.schema, ...siblings });
      current = { ...next, nullable: next.nullable || current.nullable };
      where = { type: target.id, pointer: "" };
    }
    return { normalized: current, position: where };
  }

  private compareCores(base: JsonSchemaObject | boolean, head: JsonSchemaObject | boolean, at: Location): void {
    if (typeof base === "boolean" || typeof head === "boolean") {
      compareBooleans(this, base, head, at);
      return;
    }
    const unionBefore = unionOf(base);
    const unionAfter = unionOf(head);
    if (unionBefore === undefined && unionAfter === undefined) {
      this.compareObjects(base, head, at);
      return;
    }
    // At least one side is a union; the other, if plain, becomes a union of one.
    const before = unionBefore ?? (unionAfter === undefined ? undefined : asUnion(base, unionAfter));
    const after = unionAfter ?? (unionBefore === undefined ? undefined : asUnion(head, unionBefore));
    if (before === undefined || after === undefined) return;
    this.compareObjects(before.rest, after.rest, at);
    compareUnions(this, before, after, at);
  }

  private compareObjects(base: JsonSchemaObject, head: JsonSchemaObject, at: Location): void {
    for (const rule of STRUCTURE_RULES) {
      if (rule.compare(this, base, head, at) === "stop") break;
    }
    ANNOTATION_RULE.compare(this, base, head, at);
  }
}

function withoutRef(schema: JsonSchemaObject | boolean): JsonSchemaObject {
  if (typeof schema === "boolean") return {};
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

/** `true` accepts anything, `false` nothing; an object schema lies in between. */
function compareBooleans(
  ctx: CompareContext,
  base: JsonSchemaObject | boolean,
  head: JsonSchemaObject | boolean,
  at: Location,
): void {
  const rank = (schema: JsonSchemaObject | boolean): number =>
    schema === true || (typeof schema === "object" && Object.keys(schema).length === 0) ? 2 : schema === false ? 0 : 1;
  const before = rank(base);
  const after = rank(head);
  if (before === after) return;
  const detail = `schema ${JSON.stringify(base)} → ${JSON.stringify(head)}`;
  if (after > before) ctx.report({ kind: "type-widened", detail, judge: widening() }, at);
  else if (after < before && after === 0) ctx.report({ kind: "type-changed", detail, judge: incompatible() }, at);
  else ctx.report({ kind: "type-narrowed", detail, judge: narrowing() }, at);
}
