/**
 * The engine: two protocol models in, a report out. Methods are compared by name, their
 * params and result types walked pairwise, every change judged for the readers that reach it.
 */
import type { ProtocolModel } from "../model/model.js";
import type { RawChange } from "./context.js";
import { judgeChange, type Judged, type ReaderUse } from "./judge.js";
import { compareMethods, type MethodChange } from "./methods.js";
import { PairGraph, type PairRecord } from "./pairs.js";
import { formatPath } from "./path.js";
import { closure, collectUses, type PairUse } from "./reach.js";
import { mergeRenames, RENAMED, renameChange, settleRetarget } from "./renames.js";
import type { Change, ChangeUse, DiffReport, Severity } from "./types.js";
import { severityRank } from "./types.js";
import { lonelyTypes, orphanPairs } from "./unused-types.js";
import { judge, verdict } from "./verdicts.js";

export interface DiffOptions {
  /** Count changes reached only from experimental methods at full severity. */
  readonly strictExperimental?: boolean;
  readonly baseLabel?: string;
  readonly headLabel?: string;
}

export function diffModels(base: ProtocolModel, head: ProtocolModel, options: DiffOptions = {}): DiffReport {
  const strict = { strictExperimental: options.strictExperimental ?? false };
  const graph = new PairGraph(base, head);
  const methods = compareMethods(base, head, graph);
  const roots = methods.roots.flatMap((root) => {
    const record = graph.request(root.base, root.head);
    return record === undefined ? [] : [{ root, record }];
  });
  const orphanRoots = orphanPairs(base, head, graph);
  graph.run();

  const uses = collectUses(roots);
  const orphans = closure(orphanRoots);
  const changes: Change[] = [];

  for (const change of methods.changes) changes.push(methodChange(change, graph, strict));
  for (const record of graph.all()) {
    const pairUses = uses.get(record.key) ?? [];
    if (pairUses.length === 0 && !orphans.has(record.key)) continue;
    for (const raw of record.changes) changes.push(typeChange(raw, record, pairUses, graph, strict));
  }
  changes.push(...lonelyTypes(base, head));

  const merged = mergeRenames(changes);
  merged.sort(compareChanges);
  const summary: Record<Severity, number> = { breaking: 0, warning: 0, safe: 0 };
  for (const change of merged) summary[change.severity] += 1;
  return {
    version: 1,
    base: options.baseLabel ?? base.sourceLabel,
    head: options.headLabel ?? head.sourceLabel,
    summary,
    changes: merged,
  };
}

function typeChange(
  raw: RawChange,
  record: PairRecord,
  pairUses: readonly PairUse[],
  graph: PairGraph,
  options: { strictExperimental: boolean },
): Change {
  const settled = settleRetarget(raw, graph);
  const judged = judgeChange(settled.renamed ? judge(verdict("safe", RENAMED), verdict("safe", RENAMED)) : raw.judge, pairUses, options);
  const located = graph.type("head", raw.at.head.type) ?? record.head;
  const uses: ChangeUse[] = orderUses(
    pairUses.map((use) => ({
      method: use.method,
      role: use.role,
      reader: use.reader,
      experimental: use.experimental,
      path: formatPath([...use.segments, ...raw.at.segments]),
    })),
    judged,
  );
  if (settled.renamed && raw.retarget !== undefined) return renameChange(raw.retarget, graph, uses, judged);
  return {
    kind: settled.kind,
    severity: judged.severity,
    reason: judged.reason,
    detail: settled.detail,
    type: record.head.id,
    baseType: record.base.id === record.head.id ? null : record.base.id,
    path: formatPath(raw.at.segments),
    location: { side: "head", file: located.source.file, pointer: located.source.pointer + raw.at.head.pointer },
    uses,
    judgements: judged.judgements,
  };
}

function methodChange(change: MethodChange, graph: PairGraph, options: { strictExperimental: boolean }): Change {
  const settled = settleRetarget(change, graph);
  const use: ReaderUse & ChangeUse = {
    method: change.method,
    role: change.role,
    reader: change.reader,
    experimental: change.experimental,
    path: change.role === "method" ? change.method : formatPath([{ kind: "root", name: change.method }, { kind: "root", name: change.role }]),
  };
  const judged = judgeChange(
    { [change.reader]: settled.renamed ? verdict("safe", RENAMED) : change.verdict },
    [use],
    options,
  );
  if (settled.renamed && change.retarget !== undefined) return renameChange(change.retarget, graph, [use], judged);
  return {
    kind: settled.kind,
    severity: judged.severity,
    reason: judged.reason,
    detail: settled.detail,
    type: null,
    baseType: null,
    path: "",
    location: { side: change.side, file: change.source.file, pointer: change.source.pointer },
    uses: [use],
    judgements: judged.judgements,
  };
}

/**
 * The first use is the one a one-line report shows, so it must be a use through which the
 * deciding reader sees the change: a stable one before an experimental one, the shortest path.
 */
function orderUses(uses: readonly ChangeUse[], judged: Judged): ChangeUse[] {
  const decisive = judged.judgements.find((judgement) => judgement.severity === judged.severity)?.reader;
  const rank = (use: ChangeUse): number => (use.reader === decisive ? 0 : 2) + (use.experimental ? 1 : 0);
  return [...uses].sort(
    (a, b) => rank(a) - rank(b) || a.path.length - b.path.length || compareText(a.path, b.path),
  );
}

function sortKey(change: Change): string {
  return change.uses[0]?.path ?? change.type ?? "";
}

function compareChanges(a: Change, b: Change): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(sortKey(a), sortKey(b)) ||
    compareText(a.kind, b.kind) ||
    compareText(a.detail, b.detail)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

