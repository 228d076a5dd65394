/**
 * `--format json`: the report as one JSON document, version 1 (documented in
 * docs/protocol-evolution.md). Fields are only ever added within a version; removing or
 * renaming one bumps `version`.
 */
import type { DiffReport, Severity } from "../types.js";
import { atLeast } from "../types.js";

export interface JsonReport extends DiffReport {
  readonly failOn: Severity | "none";
  /** Whether a change at or above `failOn` was found (the exit code is 1 then). */
  readonly failed: boolean;
}

export function failed(report: DiffReport, failOn: Severity | "none"): boolean {
  return failOn !== "none" && report.changes.some((change) => atLeast(change.severity, failOn));
}

export function formatJson(report: DiffReport, options: { readonly failOn: Severity | "none" }): string {
  const document: JsonReport = {
    version: report.version,
    base: report.base,
    head: report.head,
    failOn: options.failOn,
    failed: failed(report, options.failOn),
    summary: report.summary,
    changes: report.changes,
  };
  return JSON.stringify(document, null, 2) + "\n";
}
