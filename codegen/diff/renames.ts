/**
 * Renames: a reference retargeted to a type that accepts exactly the same messages (the pair
 * graph decides) is a rename, reported once per renamed type with every reference site.
 */
import type { RawChange } from "./context.js";
import type { Judged } from "./judge.js";
import type { PairGraph } from "./pairs.js";
import type { Change, ChangeUse } from "./types.js";

export const RENAMED = "the wire format is unchanged; only generated type names change";

/** A retargeted reference whose two types accept the same messages is a rename. */
export function settleRetarget(
  raw: Pick<RawChange, "kind" | "detail" | "retarget">,
  graph: PairGraph,
): { kind: RawChange["kind"]; detail: string; renamed: boolean } {
  if (raw.retarget === undefined) return { kind: raw.kind, detail: raw.detail, renamed: false };
  const record = graph.get(raw.retarget.base, raw.retarget.head);
  if (record === undefined || !graph.equivalent(record)) return { kind: raw.kind, detail: raw.detail, renamed: false };
  return { kind: "type-renamed", detail: `type ${raw.retarget.base} renamed to ${raw.retarget.head}`, renamed: true };
}

/** A rename is about the renamed type, wherever it is referenced from. */
export function renameChange(
  retarget: { readonly base: string; readonly head: string },
  graph: PairGraph,
  uses: readonly ChangeUse[],
  judged: Judged,
): Change {
  const source = graph.type("head", retarget.head)?.source;
  return {
    kind: "type-renamed",
    severity: judged.severity,
    reason: judged.reason,
    detail: `type ${retarget.base} renamed to ${retarget.head}`,
    type: retarget.head,
    baseType: retarget.base,
    path: "",
    location: source === undefined ? null : { side: "head", file: source.file, pointer: source.pointer },
    uses,
    judgements: judged.judgements,
  };
}

/** One change per renamed type, listing every reference site among its uses. */
export function mergeRenames(changes: readonly Change[]): Change[] {
  const renames = new Map<string, Change>();
  const rest: Change[] = [];
  for (const change of changes) {
    if (change.kind !== "type-renamed") {
      rest.push(change);
      continue;
    }
    const key = `${change.baseType ?? ""}\u0000${change.type ?? ""}`;
    const known = renames.get(key);
    if (known === undefined) {
      renames.set(key, change);
      continue;
    }
    const paths = new Set(known.uses.map((use) => `${use.method}\u0000${use.path}`));
    const readers = new Set(known.judgements.map((judgement) => judgement.reader));
    renames.set(key, {
      ...known,
      uses: [...known.uses, ...change.uses.filter((use) => !paths.has(`${use.method}\u0000${use.path}`))],
      judgements: [...known.judgements, ...change.judgements.filter((judgement) => !readers.has(judgement.reader))],
    });
  }
  return [...rest, ...renames.values()];
}
