/**
 * Which methods reach which type pairs, and through which path. Each method root is walked
 * breadth-first over the pair graph, so the path recorded for a pair is one of the shortest.
 * Also: which named types a model's methods reach at all (for types no method uses).
 */
import type { ProtocolModel, TypeId } from "../model/model.js";
import { typesReachableFrom } from "../model/reach.js";
import type { MethodRoot } from "./methods.js";
import type { PairRecord } from "./pairs.js";
import type { PathSegment } from "./path.js";
import type { Reader, Role } from "./types.js";

export interface PairUse {
  readonly method: string;
  readonly role: Role;
  readonly reader: Reader;
  readonly experimental: boolean;
  /** From the method (root segments) to the pair's type. */
  readonly segments: readonly PathSegment[];
}

export function collectUses(
  roots: readonly { readonly root: MethodRoot; readonly record: PairRecord }[],
): Map<string, PairUse[]> {
  const uses = new Map<string, PairUse[]>();
  for (const { root, record } of roots) {
    const start: PathSegment[] = [
      { kind: "root", name: root.method },
      { kind: "root", name: root.role },
    ];
    const seen = new Set<string>([record.key]);
    const queue: { record: PairRecord; segments: readonly PathSegment[] }[] = [{ record, segments: start }];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const list = uses.get(item.record.key) ?? [];
      list.push({
        method: root.method,
        role: root.role,
        reader: root.reader,
        experimental: root.experimental,
        segments: item.segments,
      });
      uses.set(item.record.key, list);
      for (const edge of item.record.edges) {
        if (seen.has(edge.target.key)) continue;
        seen.add(edge.target.key);
        queue.push({ record: edge.target, segments: [...item.segments, ...edge.segments] });
      }
    }
  }
  return uses;
}

/** Pairs reachable from the given records (themselves included). */
export function closure(records: readonly PairRecord[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...records];
  for (let record = stack.pop(); record !== undefined; record = stack.pop()) {
    if (seen.has(record.key)) continue;
    seen.add(record.key);
    stack.push(...record.edges.map((edge) => edge.target));
  }
  return seen;
}

/** Type ids reachable from any method's params or result. */
export function reachableTypes(model: ProtocolModel): Set<TypeId> {
  return typesReachableFrom(model, model.methods.flatMap((method) => [method.params, method.result]));
}
