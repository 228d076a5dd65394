/**
 * Compares the two method registries: which methods disappeared, appeared, were renamed or
 * changed shape, and which (params, result) type pairs the walk must compare for the methods
 * that stayed. A method is matched by name; an unmatched old and new method of the same kind
 * and direction whose types are equivalent is a rename.
 */
import type { MethodSpec, ProtocolModel, SourceLocation, TypeId } from "../model/model.js";
import type { PairGraph } from "./pairs.js";
import type { ChangeKind, Reader, Role, Severity, Verdict } from "./types.js";
import { verdict } from "./verdicts.js";

export interface MethodRoot {
  readonly method: string;
  readonly role: Role;
  readonly reader: Reader;
  readonly experimental: boolean;
  readonly base: TypeId;
  readonly head: TypeId;
}

export interface MethodChange {
  readonly kind: ChangeKind;
  readonly detail: string;
  readonly verdict: Verdict;
  readonly method: string;
  readonly role: Role | "method";
  readonly reader: Reader;
  /** Whether old clients were warned: the method was experimental on the old side. */
  readonly experimental: boolean;
  readonly source: SourceLocation;
  /** The registry the source belongs to: "base" for methods that are gone. */
  readonly side: "base" | "head";
  readonly retarget?: { readonly base: TypeId; readonly head: TypeId };
}

/** Who parses a method's params, result, or the call itself. */
export function readerOf(method: MethodSpec, role: Role | "method"): Reader {
  const receiver: Reader = method.direction === "clientToServer" ? "server" : "client";
  const sender: Reader = receiver === "server" ? "client" : "server";
  return role === "result" ? sender : receiver;
}

function describe(method: MethodSpec): string {
  return `${method.kind} ${method.direction}`;
}

function removalVerdict(method: MethodSpec, what: string): Verdict {
  const severity: Severity =
    method.kind === "request" && method.direction === "clientToServer"
      ? "breaking"
      : method.kind === "notification" && method.direction === "serverToClient"
        ? "breaking"
        : "warning";
  const reasons: Record<string, string> = {
    "request clientToServer": `old clients calling it get "method not found"`,
    "notification clientToServer": "old clients still send it; the server ignores it",
    "notification serverToClient": "old clients waiting for it never receive it",
    "request serverToClient": "old clients keep a handler that is never called",
  };
  return verdict(severity, `${what}: ${reasons[describe(method)] ?? "old peers still use it"}`);
}

function additionVerdict(method: MethodSpec): Verdict {
  if (method.direction === "serverToClient" && method.kind === "request") {
    return verdict("warning", `old clients answer the new request with "method not found"`);
  }
  return method.direction === "serverToClient"
    ? verdict("safe", "old clients ignore notifications they do not know")
    : verdict("safe", "old clients do not call it");
}

interface Comparison {
  readonly changes: MethodChange[];
  readonly roots: MethodRoot[];
}

function change(
  method: MethodSpec,
  role: Role | "method",
  kind: ChangeKind,
  detail: string,
  judged: Verdict,
  experimental: boolean,
  side: "base" | "head" = "head",
): MethodChange {
  return {
    kind,
    detail,
    verdict: judged,
    method: method.method,
    role,
    reader: readerOf(method, role),
    experimental,
    source: method.source,
    side,
  };
}

function compareRole(
  base: MethodSpec,
  head: MethodSpec,
  role: Role,
  out: Comparison,
): void {
  const before = base[role];
  const after = head[role];
  const experimental = base.experimental;
  if (before !== null && after !== null) {
    out.roots.push({ method: head.method, role, reader: readerOf(head, role), experimental, base: before, head: after });
    if (before !== after) {
      out.changes.push({
        ...change(head, role, `${role}-type-changed`, `${role} type ${before} → ${after}`, verdict("safe", "the differences between the two types are reported on their own"), experimental),
        retarget: { base: before, head: after },
      });
    }
    return;
  }
  if (before === after) return;
  const reader = readerOf(head, role);
  if (role === "params") {
    const added = before === null;
    const judged = added
      ? reader === "server"
        ? verdict("breaking", "old clients send no params")
        : verdict("safe", "old clients ignore params they do not expect")
      : reader === "server"
        ? verdict("warning", "old clients still send params; the server ignores them")
        : verdict("breaking", "old clients expect params");
    out.changes.push(
      change(head, role, added ? "params-added" : "params-removed", `params ${String(before)} → ${String(after)}`, judged, experimental),
    );
  } else {
    const added = before === null;
    out.changes.push(
      change(
        head,
        role,
        added ? "result-added" : "result-removed",
        `result ${String(before)} → ${String(after)}`,
        added ? verdict("safe", "the result is now described") : verdict("warning", "the result is no longer described"),
        experimental,
      ),
    );
  }
}

function compareMatched(base: MethodSpec, head: MethodSpec, out: Comparison): void {
  const experimental = base.experimental;
  if (base.kind !== head.kind || base.direction !== head.direction) {
    const kind: ChangeKind = base.kind !== head.kind ? "method-kind-changed" : "method-direction-changed";
    out.changes.push(
      change(head, "method", kind, `${describe(base)} → ${describe(head)}`, verdict("breaking", "old peers send or expect the old kind of message"), experimental),
    );
    return;
  }
  if (base.experimental !== head.experimental) {
    out.changes.push(
      head.experimental
        ? change(head, "method", "method-made-experimental", "now experimental", verdict("breaking", "clients without the experimentalApi capability are now refused"), false)
        : change(head, "method", "method-stabilised", "no longer experimental", verdict("safe", "every client may now use it"), true),
    );
  }
  if (base.description !== head.description) {
    out.changes.push(change(head, "method", "description-changed", "description changed", verdict("safe", "documentation only"), experimental));
  }
  compareRole(base, head, "params", out);
  compareRole(base, head, "result", out);
}

/** Both sides' roots in the graph (queued), for a candidate rename. */
function equivalentRoots(graph: PairGraph, base: MethodSpec, head: MethodSpec): boolean {
  return (["params", "result"] as const).every((role) => {
    const before = base[role];
    const after = head[role];
    if (before === null || after === null) return before === after;
    const record = graph.get(before, after);
    return record !== undefined && graph.equivalent(record);
  });
}

export function compareMethods(base: ProtocolModel, head: ProtocolModel, graph: PairGraph): Comparison {
  const out: Comparison = { changes: [], roots: [] };
  const headByName = new Map(head.methods.map((method) => [method.method, method]));
  const baseNames = new Set(base.methods.map((method) => method.method));
  const removed: MethodSpec[] = [];
  for (const method of base.methods) {
    const match = headByName.get(method.method);
    if (match === undefined) removed.push(method);
    else compareMatched(method, match, out);
  }
  let added = head.methods.filter((method) => !baseNames.has(method.method));

  const candidates = removed.flatMap((before) =>
    added
      .filter((after) => after.kind === before.kind && after.direction === before.direction)
      .map((after) => ({ before, after })),
  );
  for (const { before, after } of candidates) {
    for (const role of ["params", "result"] as const) {
      const from = before[role];
      const to = after[role];
      if (from !== null && to !== null) graph.request(from, to);
    }
  }
  graph.run();
  for (const before of removed) {
    const renamed = candidates.find(
      (candidate) => candidate.before === before && added.includes(candidate.after) && equivalentRoots(graph, before, candidate.after),
    );
    if (renamed !== undefined) {
      added = added.filter((method) => method !== renamed.after);
      out.changes.push(
        change(before, "method", "method-renamed", `renamed to ${renamed.after.method}`, removalVerdict(before, `renamed to ${renamed.after.method}`), before.experimental, "base"),
      );
    } else {
      out.changes.push(change(before, "method", "method-removed", "method removed", removalVerdict(before, "removed"), before.experimental, "base"));
    }
  }
  for (const method of added) {
    out.changes.push(change(method, "method", "method-added", `${describe(method)} added`, additionVerdict(method), method.experimental));
  }
  return out;
}
