/** The table `npm run bench` prints: one row per figure, ratios first-class. */
import type { BenchResult } from "./results.js";

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  // 150.3 MiB against a 150 MiB target must not print as "150".
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.01) return value.toFixed(2);
  return value.toPrecision(2);
}

/** Ratios keep three significant digits: 0.996× and 1.00× are different verdicts against 1. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? Math.round(ratio).toLocaleString("en-US") : ratio.toPrecision(3)}×`;
}

export function formatTable(results: readonly BenchResult[]): string {
  const header = ["figure", "value", "baseline", "ratio", "spread", "runs", "target", "met"];
  const rows = results.map((r) => [
    r.name,
    `${formatNumber(r.value)} ${r.unit}`,
    r.baselineValue === null ? "—" : `${formatNumber(r.baselineValue)} ${r.unit}`,
    r.ratio === null ? "—" : formatRatio(r.ratio),
    `${(r.spread * 100).toFixed(0)}%`,
    String(r.runs),
    r.target ?? "—",
    r.met === null ? "—" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The same figures as rows of bench/README.md's table (`npm run bench -- --markdown`). */
export function formatMarkdownRows(results: readonly BenchResult[]): string {
  return results
    .map((r) =>
      [
        `\`${r.name}\``,
        `${formatNumber(r.value)} ${r.unit}`,
        r.baselineValue === null ? "—" : `${formatNumber(r.baselineValue)} ${r.unit}`,
        r.ratio === null ? "—" : formatRatio(r.ratio),
        `${(r.spread * 100).toFixed(0)}%`,
        r.target ?? "—",
        r.met === null ? "—" : r.met ? "yes" : "**no**",
      ].join(" | "),
    )
    .map((row) => `| ${row} |`)
    .join("\n");
}
