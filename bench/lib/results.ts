/**
 * One measured figure and bench/results.json, the file `npm run bench` leaves behind. Every
 * figure is a median over several runs; where a baseline was measured in the same run its
 * median and the ratio value / baselineValue are given too, because on a shared, noisy
 * machine only the ratio is comparable from one day to the next.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { median, spread } from "./stats.js";

export interface Target {
  /** What the target is judged on. */
  readonly of: "ratio" | "value";
  readonly op: "<=" | ">=";
  readonly limit: number;
}

export interface BenchResult {
  /** `<benchmark>` or `<benchmark>/<figure>`, e.g. `dispatch-latency/p99`. */
  readonly name: string;
  /** Median of the runs. */
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, or null where the target is absolute. */
  readonly baseline: string | null;
  /** Median of the baseline's runs (same machine, same run), or a published figure. */
  readonly baselineValue: number | null;
  /** value / baselineValue. */
  readonly ratio: number | null;
  /** Measured runs (warm-up runs excluded). */
  readonly runs: number;
  /** (max − min) / median of the value's runs. */
  readonly spread: number;
  /** The target, as text, e.g. "ratio <= 2". */
  readonly target: string | null;
  /** Whether the target was met in this run; informational only, benchmarks never fail. */
  readonly met: boolean | null;
}

export interface FigureInput {
  readonly name: string;
  readonly unit: string;
  /** The value of each measured run. */
  readonly samples: readonly number[];
  /** A baseline measured in the same run (samples) or a fixed published figure (value). */
  readonly baseline?: { readonly name: string; readonly samples: readonly number[] } | { readonly name: string; readonly value: number };
  readonly target?: Target;
}

export function figure(input: FigureInput): BenchResult {
  const value = median(input.samples);
  const baselineValue = input.baseline === undefined ? null : "value" in input.baseline ? input.baseline.value : median(input.baseline.samples);
  const ratio = baselineValue === null || baselineValue === 0 ? null : value / baselineValue;
  const judged = input.target === undefined ? undefined : input.target.of === "ratio" ? ratio : value;
  return {
    name: input.name,
    value,
    unit: input.unit,
    baseline: input.baseline?.name ?? null,
    baselineValue,
    ratio,
    runs: input.samples.length,
    spread: spread(input.samples),
    target: input.target === undefined ? null : `${input.target.of} ${input.target.op} ${input.target.limit}`,
    met:
      input.target === undefined || judged === null || judged === undefined
        ? null
        : input.target.op === "<="
          ? judged <= input.target.limit
          : judged >= input.target.limit,
  };
}

const FIELDS: Record<keyof BenchResult, (v: unknown) => boolean> = {
  name: (v) => typeof v === "string" && v.length > 0,
  value: (v) => typeof v === "number" && Number.isFinite(v),
  unit: (v) => typeof v === "string" && v.length > 0,
  baseline: (v) => v === null || typeof v === "string",
  baselineValue: (v) => v === null || (typeof v === "number" && Number.isFinite(v)),
  ratio: (v) => v === null || (typeof v === "number" && Number.isFinite(v)),
  runs: (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 1,
  spread: (v) => typeof v === "number" && Number.isFinite(v) && v >= 0,
  target: (v) => v === null || typeof v === "string",
  met: (v) => v === null || typeof v === "boolean",
};

/** Problems with a results.json value, empty when it has the documented shape. */
export function resultsProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ["results must be an array"];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null) {
      problems.push(`[${index}] must be an object`);
      return;
    }
    const record = entry as Record<string, unknown>;
    for (const [key, check] of Object.entries(FIELDS)) {
      if (!check(record[key])) problems.push(`[${index}].${key} is ${JSON.stringify(record[key])}`);
    }
    for (const key of Object.keys(record)) if (!(key in FIELDS)) problems.push(`[${index}].${key} is not a documented field`);
    if ((record.baseline === null) !== (record.baselineValue === null)) problems.push(`[${index}] baseline and baselineValue must both be set or both null`);
  });
  return problems;
}

/**
 * Writes the figures of this run. A partial run (`npm run bench -- <name>`) replaces only the
 * figures of the benchmarks it ran, so the file always holds the last measurement of each.
 */
export function writeResults(
  file: string,
  fresh: readonly BenchResult[],
  ranBenchmarks: readonly string[],
  partial: boolean,
  order: readonly string[],
): BenchResult[] {
  let kept: BenchResult[] = [];
  if (partial && existsSync(file)) {
    try {
      const previous: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (resultsProblems(previous).length === 0) {
        kept = (previous as BenchResult[]).filter((r) => !ranBenchmarks.includes(benchmarkOf(r.name)));
      }
    } catch {
      // An unreadable previous file is simply replaced.
    }
  }
  // Benchmark order, then the order the figures were produced in (sort is stable).
  const rank = (r: BenchResult): number => {
    const at = order.indexOf(benchmarkOf(r.name));
    return at === -1 ? order.length : at;
  };
  const all = [...kept, ...fresh].sort((a, b) => rank(a) - rank(b));
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  return all;
}

/** The benchmark a figure belongs to: the part of its name before the first "/". */
export function benchmarkOf(name: string): string {
  const slash = name.indexOf("/");
  return slash === -1 ? name : name.slice(0, slash);
}
