/**
 * What a rule sees while the walk compares one place of the old schema with the same place of
 * the new one, and what it may do: report a change, or hand a pair of subschemas back to the
 * walk. Rules never follow `$ref`s themselves; the walk pairs named types and compares each
 * pair once, so cycles and shared types cost nothing extra.
 */
import type { JsonSchema, JsonSchemaObject, TypeId } from "../model/model.js";
import { appendPointer, type PathSegment } from "./path.js";
import type { ChangeKind } from "./types.js";
import type { Judge } from "./verdicts.js";

/** A position inside a named type on one side. */
export interface SidePosition {
  readonly type: TypeId;
  readonly pointer: string;
}

export interface Location {
  /** Path from the root of the compared pair of named types. */
  readonly segments: readonly PathSegment[];
  readonly base: SidePosition;
  readonly head: SidePosition;
}

/** A change before it knows which methods it reaches. */
export interface RawChange {
  readonly kind: ChangeKind;
  /** What changed, without judgement. */
  readonly detail: string;
  /** Judgement per reader; the readers the change actually reaches are picked later. */
  readonly judge: Judge;
  readonly at: Location;
  /** For retargeted references: decided later whether the targets only differ in name. */
  readonly retarget?: { readonly base: TypeId; readonly head: TypeId };
}

export type Side = "base" | "head";

export interface CompareContext {
  report(change: Omit<RawChange, "at">, at: Location): void;
  /** Compare two subschemas at a (deeper) location. */
  compare(base: JsonSchema, head: JsonSchema, at: Location): void;
  /** True when the two subschemas differ in nothing but documentation. */
  same(base: JsonSchema, head: JsonSchema): boolean;
  /** A subschema with nullability split off and references followed, for inspection only. */
  inspect(side: Side, schema: JsonSchema): JsonSchemaObject | boolean;
}

/** The location one step down, with the keyword path to the child on each side. */
export function descend(
  at: Location,
  segment: PathSegment | null,
  baseTokens: readonly (string | number)[],
  headTokens: readonly (string | number)[] = baseTokens,
): Location {
  return {
    segments: segment === null ? at.segments : [...at.segments, segment],
    base: { type: at.base.type, pointer: appendPointer(at.base.pointer, ...baseTokens) },
    head: { type: at.head.type, pointer: appendPointer(at.head.pointer, ...headTokens) },
  };
}

/** Keywords that document a schema without changing what it accepts. */
export const ANNOTATION_KEYWORDS: readonly string[] = [
  "$comment",
  "$schema",
  "default",
  "description",
  "examples",
  "title",
];

/** Change kinds that leave the wire format as it was. */
export const NEUTRAL_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
  "description-changed",
  "title-changed",
  "ref-target-changed",
  "type-renamed",
]);
