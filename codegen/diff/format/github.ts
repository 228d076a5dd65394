/**
 * `--format github`: GitHub Actions workflow commands, one annotation per breaking change
 * (`::error`) and per warning (`::warning`), attached to the schema file that changed. Safe
 * changes are only counted: annotations are capped per step and must stay for what matters.
 */
import type { Change, DiffReport, Severity } from "../types.js";
import { countLine, verdictLine } from "./text.js";

export interface GithubOptions {
  readonly failOn: Severity | "none";
  /** The 1-based line of a location, when it can be found. */
  readonly lineOf?: (file: string, pointer: string) => number | undefined;
  /** The path an annotation names for a report's file (GitHub wants it from the repository's root). */
  readonly fileOf?: (file: string) => string;
}

/** Workflow-command escaping: the message escapes %, CR, LF; properties also ":" and ",". */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(change: Change, options: GithubOptions): string {
  const command = change.severity === "breaking" ? "error" : "warning";
  const properties: string[] = [];
  if (change.location !== null) {
    properties.push(`file=${escapeProperty(options.fileOf?.(change.location.file) ?? change.location.file)}`);
    // A base-side pointer means nothing in the head file of the same name.
    const line = change.location.side === "head" ? options.lineOf?.(change.location.file, change.location.pointer) : undefined;
    if (line !== undefined) properties.push(`line=${line}`);
  }
  const title = `${change.severity === "breaking" ? "Breaking protocol change" : "Protocol change to check"}: ${change.kind}`;
  properties.push(`title=${escapeProperty(title)}`);
  const where = change.uses[0]?.path ?? [change.type ?? "", change.path].filter((part) => part !== "").join(" › ");
  const more = change.uses.length > 1 ? ` (and ${change.uses.length - 1} more uses)` : "";
  return `::${command} ${properties.join(",")}::${escapeData(`${where}${more}: ${change.detail} — ${change.reason}`)}`;
}

export function formatGithub(report: DiffReport, options: GithubOptions): string {
  const lines = report.changes
    .filter((change) => change.severity !== "safe")
    .map((change) => annotation(change, options));
  lines.push(`Protocol diff ${report.base} → ${report.head}: ${countLine(report.summary)}`);
  lines.push(verdictLine(report, options.failOn));
  return lines.join("\n") + "\n";
}
