/**
 * The fidelity report: our types for a bundle against the TypeScript ts-rs wrote for the same
 * Rust types. Every reference type is equal, differing (with the findings that say where and
 * why, or the differing types it differs through) or missing (the schema defines no type of
 * that name, with the reference types that use it).
 */
import path from "node:path";
import ts from "../emit/shared/typescript.js";
import { typesEmitter, defaultTypesEmitterOptions, type TypesEmitterOptions } from "../emit/types/index.js";
import { jsonValueType } from "../emit/types/json-value.js";
import type { NamedType, ProtocolModel, TypeId } from "../model/model.js";
import { compareCodeUnits } from "../emit/shared/order.js";
import { compareTypes, type TypeComparison } from "./compare.js";
import { categories, explain, type Category, type Finding } from "./explain.js";
import type { DeclaredType } from "./pairing.js";
import { sideRoot, type SidedProgram } from "./program.js";
import type { TypeSourceFile } from "./reference.js";

export interface NamespaceCount {
  /** The reference's namespace ("" for its root, "v2", …). */
  readonly namespace: string;
  readonly equal: number;
  readonly differing: number;
  readonly missing: number;
  /** Equal types as a share of the types both sides have (equal + differing), in percent. */
  readonly percent: number;
}

export interface LocatedFinding extends Finding {
  /** `<schema file>#<pointer>`. */
  readonly location: string;
}

export interface DifferingType {
  readonly reference: TypeId;
  readonly ours: TypeId;
  readonly findings: readonly LocatedFinding[];
  /** Our types that differ themselves and through which this one differs. */
  readonly via: readonly TypeId[];
}

export interface MissingType {
  readonly reference: TypeId;
  /** Reference types whose files import it. */
  readonly usedBy: readonly TypeId[];
}

export interface CategoryCount {
  readonly category: Category | "cascade" | "missing";
  /** Findings of the category (for cascade and missing: types). */
  readonly findings: number;
  readonly types: number;
}

export interface FidelityReport {
  /** The JSON shape's version: fields are only ever added within a version. */
  readonly version: 1;
  readonly schema: string;
  readonly reference: string;
  readonly namespaces: readonly NamespaceCount[];
  readonly categories: readonly CategoryCount[];
  readonly differing: readonly DifferingType[];
  readonly missing: readonly MissingType[];
}

export interface FidelityInput {
  readonly model: ProtocolModel;
  readonly reference: readonly TypeSourceFile[];
  /** How the reference folder is named in the report. */
  readonly referenceLabel: string;
  readonly options?: TypesEmitterOptions;
}

export function fidelityReport(input: FidelityInput): FidelityReport {
  const { model } = input;
  const ours = typesEmitter(input.options ?? defaultTypesEmitterOptions)(model);
  const comparison = compareTypes(ours, input.reference);
  const byId = new Map<TypeId, NamedType>([[jsonValueType(model).id, jsonValueType(model)], ...model.types.map((t) => [t.id, t] as const)]);
  const differingOurs = new Set(comparison.results.filter((r) => r.verdict === "differing").map((r) => r.pair.ours?.id as TypeId));

  const differing = comparison.results
    .filter((result) => result.verdict === "differing")
    .map((result): DifferingType => {
      const oursDeclared = result.pair.ours as DeclaredType;
      const type = byId.get(oursDeclared.id) as NamedType;
      const explanation = explain(
        type.schema,
        type.source.pointer,
        comparison.typeOf("ours", oursDeclared) as ts.Type,
        comparison.typeOf("reference", result.pair.reference) as ts.Type,
        { checker: comparison.sided.checker, differs: (id) => id !== type.id && differingOurs.has(id) },
      );
      return {
        reference: result.pair.reference.id,
        ours: type.id,
        findings: explanation.findings.map((finding) => ({ ...finding, location: `${type.source.file}#${finding.pointer}` })),
        via: explanation.via,
      };
    });
  const missing = comparison.results
    .filter((result) => result.verdict === "missing")
    .map((result): MissingType => ({ reference: result.pair.reference.id, usedBy: importersOf(result.pair.reference, comparison.sided) }));

  return {
    version: 1,
    schema: model.sourceLabel,
    reference: input.referenceLabel,
    namespaces: namespaceCounts(comparison.results),
    categories: categoryCounts(differing, missing),
    differing,
    missing,
  };
}

function namespaceOf(id: TypeId): string {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? "" : id.slice(0, slash);
}

function namespaceCounts(results: readonly TypeComparison[]): NamespaceCount[] {
  const counts = new Map<string, { equal: number; differing: number; missing: number }>();
  for (const result of results) {
    const namespace = namespaceOf(result.pair.reference.id);
    const count = counts.get(namespace) ?? { equal: 0, differing: 0, missing: 0 };
    count[result.verdict] += 1;
    counts.set(namespace, count);
  }
  return [...counts]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([namespace, count]) => {
      const shared = count.equal + count.differing;
      return { namespace, ...count, percent: shared === 0 ? 100 : Math.round((count.equal / shared) * 1000) / 10 };
    });
}

function categoryCounts(differing: readonly DifferingType[], missing: readonly MissingType[]): CategoryCount[] {
  const rows: CategoryCount[] = categories.map((category) => {
    const findings = differing.flatMap((type) => type.findings.filter((finding) => finding.category === category));
    const types = differing.filter((type) => type.findings.some((finding) => finding.category === category)).length;
    return { category, findings: findings.length, types };
  });
  const cascades = differing.filter((type) => type.findings.length === 0).length;
  rows.push({ category: "cascade", findings: cascades, types: cascades });
  rows.push({ category: "missing", findings: missing.length, types: missing.length });
  return rows.filter((row) => row.types > 0);
}

/** The reference types whose files import `type` (ts-rs writes one import per used type). */
function importersOf(type: DeclaredType, sided: SidedProgram): TypeId[] {
  const root = sideRoot.reference;
  const target = `${root}/${type.path}`.replace(/\.ts$/, "");
  const users: TypeId[] = [];
  for (const file of sided.program.getSourceFiles()) {
    if (!file.fileName.startsWith(`${root}/`) || /(^|\/)index\.ts$/.test(file.fileName)) continue;
    const imports = file.statements.filter(ts.isImportDeclaration).map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
    const dir = path.posix.dirname(file.fileName);
    if (imports.some((specifier) => path.posix.join(dir, specifier).replace(/\.(js|ts)$/, "") === target)) {
      users.push(file.fileName.slice(root.length + 1).replace(/\.ts$/, ""));
    }
  }
  return users.sort(compareCodeUnits);
}
