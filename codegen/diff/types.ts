/**
 * The vocabulary of the breaking-change report: who reads a message, how bad a change is for
 * that reader, and the shape of one reported change. Both the engine and every output format
 * speak only these types; the `--format json` document is `DiffReport` as is (version 1).
 */

export type Severity = "breaking" | "warning" | "safe";

/** Most severe first: the order of the human report and of `--fail-on`. */
export const SEVERITIES: readonly Severity[] = ["breaking", "warning", "safe"];

/**
 * Who parses the message a type travels in. The writer is the other peer. Client→server
 * params (and server→client request results) are read by the server: it must keep accepting
 * what old clients send. Results and server→client params are read by the client: old clients
 * must keep understanding what the new server sends.
 */
export type Reader = "server" | "client";

export const READERS: readonly Reader[] = ["server", "client"];

/** What a change means for one reader. */
export interface Verdict {
  readonly severity: Severity;
  readonly reason: string;
}

/** Every kind of change the diff reports; docs/protocol-evolution.md has a row for each. */
export const CHANGE_KINDS = [
  "method-added",
  "method-removed",
  "method-renamed",
  "method-kind-changed",
  "method-direction-changed",
  "method-made-experimental",
  "method-stabilised",
  "params-added",
  "params-removed",
  "result-added",
  "result-removed",
  "params-type-changed",
  "result-type-changed",
  "ref-target-changed",
  "type-renamed",
  "type-added",
  "type-removed",
  "property-added",
  "required-property-added",
  "property-removed",
  "property-made-required",
  "property-made-optional",
  "type-narrowed",
  "type-widened",
  "type-changed",
  "null-added",
  "null-removed",
  "enum-value-added",
  "enum-value-removed",
  "variant-added",
  "variant-removed",
  "tag-changed",
  "union-keyword-changed",
  "additional-properties-tightened",
  "additional-properties-loosened",
  "numeric-range-narrowed",
  "numeric-range-widened",
  "numeric-range-changed",
  "numeric-format-changed",
  "constraint-narrowed",
  "constraint-widened",
  "constraint-changed",
  "default-added",
  "default-changed",
  "default-removed",
  "description-changed",
  "title-changed",
  "keyword-changed",
] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The part of a message a method-level path starts from. */
export type Role = "params" | "result";

/** One way a changed type is reached: from which method, through which path. */
export interface ChangeUse {
  readonly method: string;
  /** "method" for changes to the registry entry itself. */
  readonly role: Role | "method";
  readonly reader: Reader;
  readonly experimental: boolean;
  /** Method-rooted path, e.g. "thread/queue/list › params › limit". */
  readonly path: string;
}

export interface ChangeLocation {
  /** Which side the file belongs to: "base" only for things that no longer exist. */
  readonly side: "base" | "head";
  /** Relative to the working directory (of that side), "/" separators. */
  readonly file: string;
  /** JSON pointer inside that file. */
  readonly pointer: string;
}

export interface Change {
  readonly kind: ChangeKind;
  /** The worst judgement over the readers the change reaches (after the experimental cap). */
  readonly severity: Severity;
  /** One line: what changed and why it has this severity. */
  readonly reason: string;
  /** What changed, without judgement: `property "limit" removed`. */
  readonly detail: string;
  /** Type id on the new side (or the old side when the type is gone); null for method changes. */
  readonly type: string | null;
  /** Type id on the old side when it differs from `type` (renames, retargets). */
  readonly baseType: string | null;
  /** Path inside `type`, "" for the type itself. */
  readonly path: string;
  /** Where a maintainer should look: new side when it exists, else old side. */
  readonly location: ChangeLocation | null;
  /** Every method (and role) the change reaches; empty for types no method uses. */
  readonly uses: readonly ChangeUse[];
  /** The verdict for each reader the change reaches. */
  readonly judgements: readonly (Verdict & { readonly reader: Reader })[];
}

export interface DiffReport {
  readonly version: 1;
  /** How the old side was named (`--base` as given). */
  readonly base: string;
  /** How the new side was named (`--schema` as given). */
  readonly head: string;
  readonly summary: Readonly<Record<Severity, number>>;
  /** Sorted: severity, then type/method, then path, then kind. */
  readonly changes: readonly Change[];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of two severities. */
export function worse(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}
