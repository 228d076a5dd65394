/** The run's report: text for people, one JSON document for CI. */
import { describeFinding, sameFault, type Finding } from "./findings.js";
import type { ProbeReport } from "./run.js";
import type { SessionOutcome } from "./session.js";
import type { SessionStats } from "./stats.js";
import { transcriptLines, type TranscriptHeader } from "./transcript.js";

export interface ReportContext {
  readonly header: TranscriptHeader;
  /** Where the transcript was written (--transcript), if anywhere. */
  readonly transcriptFile: string | undefined;
}

export function probeText(report: ProbeReport, context: ReportContext): string {
  const lines: string[] = [];
  const target = `${context.header.server} (${context.header.listen})`;
  if (report.failure === undefined) {
    lines.push(`probe: 0 findings — ${report.sessions} sessions, ${callSummary(report.stats)} against ${target}; seed ${report.seed}`);
  } else {
    lines.push(`probe: FAILED — a finding after ${report.sessions} session(s), ${report.calls} calls, against ${target}; seed ${report.seed}`);
  }
  lines.push(...statsTable(report.stats));
  for (const skipped of report.skippedMethods) lines.push(`  skipped ${skipped.method}: cannot generate its params (${skipped.reason})`);
  const failure = report.failure;
  if (failure !== undefined) {
    lines.push("", `  ${describeFinding(failure.finding)}`);
    lines.push(
      `  shrunk to ${failure.shrunkCalls} call(s) from ${failure.originalCalls} in ${failure.shrinks} step(s) (${failure.shrinkSessions} sessions${failure.budgetSpent ? "; stopped at --shrink-budget, it may shrink further" : ""})`,
    );
    for (const other of failure.otherFindings) lines.push(`  also seen while shrinking (run again to chase it): ${describeFinding(other)}`);
    const file = context.transcriptFile ?? "failure.ndjson";
    lines.push(
      context.transcriptFile === undefined ? `  replay: save the transcript below as ${file}, then` : `  transcript written to ${file}; replay:`,
      `    npm run codegen -- probe --replay ${file}`,
      `  or regenerate the same calls: the same command with --seed ${report.seed}`,
      "--- transcript (NDJSON) ---",
      ...transcriptLines(context.header, failure.events),
      "--- end of transcript ---",
    );
  }
  return lines.join("\n") + "\n";
}

export function probeJson(report: ProbeReport, context: ReportContext): string {
  const failure = report.failure;
  return (
    JSON.stringify(
      {
        ok: failure === undefined,
        seed: report.seed,
        runs: report.runs,
        sessions: report.sessions,
        calls: report.calls,
        methods: Object.fromEntries(report.stats.methods),
        notifications: Object.fromEntries(report.stats.notifications),
        ignoredFindings: Object.fromEntries(report.stats.ignoredFindings),
        skippedMethods: report.skippedMethods,
        finding: failure?.finding ?? null,
        shrunk: failure === undefined ? null : { calls: failure.shrunkCalls, from: failure.originalCalls, steps: failure.shrinks, sessions: failure.shrinkSessions, budgetSpent: failure.budgetSpent },
        otherFindings: failure?.otherFindings ?? [],
        transcript: failure === undefined ? null : transcriptLines(context.header, failure.events).map((line) => JSON.parse(line) as unknown),
      },
      null,
      2,
    ) + "\n"
  );
}

export interface ReplayVerdict {
  readonly outcome: SessionOutcome;
  readonly recorded: readonly Finding[];
}

export function replayText(verdict: ReplayVerdict, file: string): string {
  const finding = verdict.outcome.findings[0];
  const recorded = verdict.recorded[0];
  const lines: string[] = [];
  if (finding === undefined) {
    lines.push(`probe --replay ${file}: no finding (${verdict.outcome.callsSent} calls)${recorded === undefined ? "" : `; the recorded one no longer shows: ${describeFinding(recorded)}`}`);
  } else {
    lines.push(`probe --replay ${file}: ${describeFinding(finding)}`);
    if (recorded !== undefined) {
      const same = sameFault(recorded, finding);
      lines.push(same ? "  the recorded fault reproduces" : `  a different fault than the recorded one: ${describeFinding(recorded)}`);
    }
  }
  return lines.join("\n") + "\n";
}

export function replayJson(verdict: ReplayVerdict): string {
  const finding = verdict.outcome.findings[0] ?? null;
  return JSON.stringify({ ok: finding === null, finding, recorded: verdict.recorded[0] ?? null, calls: verdict.outcome.callsSent, events: verdict.outcome.events }, null, 2) + "\n";
}

function callSummary(stats: SessionStats): string {
  let valid = 0;
  let invalid = 0;
  for (const tally of stats.methods.values()) {
    valid += tally.valid;
    invalid += tally.invalid;
  }
  return `${valid + invalid} calls (${valid} valid, ${invalid} invalid) over ${stats.methods.size} method(s)`;
}

function statsTable(stats: SessionStats): string[] {
  if (stats.methods.size === 0) return [];
  const rows = [...stats.methods].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(6, ...rows.map(([method]) => method.length));
  const lines = [`  ${"method".padEnd(width)}  valid  invalid  results  errors (code ×count)`];
  for (const [method, tally] of rows) {
    const errors = Object.entries(tally.errors)
      .map(([code, entry]) => `${code} ×${entry.count}`)
      .join(", ");
    lines.push(`  ${method.padEnd(width)}  ${String(tally.valid).padStart(5)}  ${String(tally.invalid).padStart(7)}  ${String(tally.results).padStart(7)}  ${errors}`);
  }
  for (const [key, entry] of stats.ignoredFindings) lines.push(`  ignored (--ignore) ${key} ×${entry.count}: ${entry.example.detail.split("\n")[0]}`);
  if (stats.notifications.size > 0) {
    lines.push(`  notifications: ${[...stats.notifications].map(([method, count]) => `${method} ×${count}`).join(", ")}`);
  }
  return lines;
}
