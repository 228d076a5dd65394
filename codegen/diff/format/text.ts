/**
 * The human report: a summary line, then one section per method, methods with breaking
 * changes first. A change reached from several methods is listed under each, with the path
 * through that method and the verdict for that method's reader, because the question a
 * reader asks is "what does this do to method X". The summary counts each change once, at
 * its worst.
 */
import type { Change, DiffReport, Severity } from "../types.js";
import { atLeast, severityRank, SEVERITIES } from "../types.js";

export interface TextOptions {
  readonly failOn: Severity | "none";
}

/** A change as one method sees it: the severity and reason for that method's reader. */
interface Entry {
  readonly change: Change;
  readonly path: string;
  readonly severity: Severity;
  readonly reason: string;
}

interface Section {
  readonly title: string;
  readonly entries: Entry[];
}

const UNUSED = "types no method uses";

const LABEL: Record<Severity, string> = { breaking: "BREAKING", warning: "warning ", safe: "safe    " };

export function countLine(summary: Readonly<Record<Severity, number>>): string {
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
  return `${plural(summary.breaking, "breaking change")}, ${plural(summary.warning, "warning")}, ${summary.safe} safe`;
}

export function verdictLine(report: DiffReport, failOn: Severity | "none"): string {
  if (failOn === "none") return "not failing on any severity (--fail-on none)";
  const failing = report.changes.filter((change) => atLeast(change.severity, failOn)).length;
  return failing === 0
    ? `OK: nothing at or above "${failOn}"`
    : `FAIL: ${failing} change${failing === 1 ? "" : "s"} at or above "${failOn}"`;
}

function sections(report: DiffReport): Section[] {
  const byTitle = new Map<string, Section>();
  const add = (title: string, entry: Entry): void => {
    const section = byTitle.get(title) ?? { title, entries: [] };
    section.entries.push(entry);
    byTitle.set(title, section);
  };
  for (const change of report.changes) {
    if (change.uses.length === 0) {
      const path = [change.type ?? "", change.path].filter((part) => part !== "").join(" › ");
      add(UNUSED, { change, path, severity: change.severity, reason: change.reason });
      continue;
    }
    const seen = new Set<string>();
    for (const use of change.uses) {
      if (seen.has(use.method)) continue;
      seen.add(use.method);
      const judgement = change.judgements.find((entry) => entry.reader === use.reader);
      add(use.experimental ? `${use.method} (experimental)` : use.method, {
        change,
        path: use.path,
        severity: judgement?.severity ?? change.severity,
        reason: judgement?.reason ?? change.reason,
      });
    }
  }
  const worst = (section: Section): number =>
    Math.min(...section.entries.map((entry) => severityRank(entry.severity)));
  return [...byTitle.values()].sort(
    (a, b) =>
      Number(a.title === UNUSED) - Number(b.title === UNUSED) ||
      worst(a) - worst(b) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
  );
}

export function formatText(report: DiffReport, options: TextOptions): string {
  const lines: string[] = [`Protocol diff ${report.base} → ${report.head}: ${countLine(report.summary)}`];
  if (report.changes.length === 0) lines.push("No protocol changes.");
  for (const section of sections(report)) {
    const counts = SEVERITIES.map((severity) => [severity, section.entries.filter((entry) => entry.severity === severity).length] as const)
      .filter(([, count]) => count > 0)
      .map(([severity, count]) => (severity === "warning" && count > 1 ? `${count} warnings` : `${count} ${severity}`));
    lines.push("", `${section.title} — ${counts.join(", ")}`);
    const entries = [...section.entries].sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    );
    for (const { change, path, severity, reason } of entries) {
      lines.push(`  ${LABEL[severity]}  ${path}  [${change.kind}]`);
      lines.push(`            ${change.detail} — ${reason}`);
    }
  }
  lines.push("", verdictLine(report, options.failOn));
  return lines.join("\n") + "\n";
}
