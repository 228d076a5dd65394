/**
 * Types no method reaches. Their wire meaning is nil, but generated code exports them, so
 * they are still compared (by id) and their disappearance is worth a warning.
 */
import type { NamedType, ProtocolModel } from "../model/model.js";
import type { PairGraph, PairRecord } from "./pairs.js";
import { reachableTypes } from "./reach.js";
import type { Change } from "./types.js";
import { verdict } from "./verdicts.js";

/** Same-id types that no method reaches on either side: compared, but judged as orphans. */
export function orphanPairs(base: ProtocolModel, head: ProtocolModel, graph: PairGraph): PairRecord[] {
  const reachedBefore = reachableTypes(base);
  const reachedAfter = reachableTypes(head);
  return base.types.flatMap((type) => {
    if (reachedBefore.has(type.id) || reachedAfter.has(type.id)) return [];
    const record = graph.request(type.id, type.id);
    return record === undefined ? [] : [record];
  });
}

/** Types added or removed that no method reaches: only generated code notices them. */
export function lonelyTypes(base: ProtocolModel, head: ProtocolModel): Change[] {
  const idsBefore = new Set(base.types.map((type) => type.id));
  const idsAfter = new Set(head.types.map((type) => type.id));
  const reachedBefore = reachableTypes(base);
  const reachedAfter = reachableTypes(head);
  const lonely = (type: NamedType, removed: boolean): Change => {
    const judged = verdict(
      removed ? "warning" : "safe",
      removed ? "no method uses it, but code importing its generated type breaks" : "no method uses it yet",
    );
    return {
      kind: removed ? "type-removed" : "type-added",
      severity: judged.severity,
      reason: judged.reason,
      detail: `type ${type.id} ${removed ? "removed" : "added"}`,
      type: type.id,
      baseType: null,
      path: "",
      location: { side: removed ? "base" : "head", file: type.source.file, pointer: type.source.pointer },
      uses: [],
      judgements: [],
    };
  };
  return [
    ...base.types.filter((type) => !idsAfter.has(type.id) && !reachedBefore.has(type.id)).map((type) => lonely(type, true)),
    ...head.types.filter((type) => !idsBefore.has(type.id) && !reachedAfter.has(type.id)).map((type) => lonely(type, false)),
  ];
}
