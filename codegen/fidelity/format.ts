/** The fidelity report as text for people and as JSON for tools. */
import type { FidelityReport, NamespaceCount } from "./report.js";

export type FidelityFormat = "text" | "json";

export const fidelityFormats: readonly FidelityFormat[] = ["text", "json"];

export function formatFidelity(report: FidelityReport, format: FidelityFormat): string {
  return format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
}

function formatText(report: FidelityReport): string {
  const lines = [`codegen fidelity: types from ${report.schema} against ${report.reference}`, ""];
  for (const count of report.namespaces) lines.push(`  ${namespaceLine(count)}`);
  const withFindings = report.differing.filter((type) => type.findings.length > 0);
  if (withFindings.length > 0) {
    lines.push("", "Differences, each at the schema element that causes it:");
    for (const type of withFindings) {
      lines.push(`  ${type.reference}${type.ours === type.reference ? "" : ` (matched by name with ours: ${type.ours})`}`);
      for (const finding of type.findings) {
        lines.push(`    ${finding.category}  ${finding.location}`);
        lines.push(`      schema: ${finding.schema}`);
        lines.push(`      ts-rs:  ${finding.reference}`);
      }
      if (type.via.length > 0) lines.push(`    also through: ${type.via.join(", ")}`);
    }
  }
  const cascades = report.differing.filter((type) => type.findings.length === 0);
  if (cascades.length > 0) {
    lines.push("", "Cascades, differing only through the types after the arrow:");
    for (const type of cascades) lines.push(`  ${type.reference} <- ${type.via.join(", ")}`);
  }
  if (report.missing.length > 0) {
    lines.push("", "Missing: ts-rs types the schema defines no type for:");
    for (const type of report.missing) {
      lines.push(`  ${type.reference}${type.usedBy.length > 0 ? `  (used by ${type.usedBy.join(", ")})` : "  (used by no other type)"}`);
    }
  }
  if (report.categories.length > 0) {
    lines.push("", "By category:");
    for (const row of report.categories) lines.push(`  ${row.category}: ${row.types} type${row.types === 1 ? "" : "s"}${row.findings === row.types ? "" : `, ${row.findings} findings`}`);
  }
  return `${lines.join("\n")}\n`;
}

function namespaceLine(count: NamespaceCount): string {
  const shared = count.equal + count.differing;
  const label = count.namespace === "" ? "root" : count.namespace;
  return `${label}: ${count.equal} of ${shared} shared types equal (${count.percent.toFixed(1)} %), ${count.differing} differing, ${count.missing} missing`;
}
