/**
 * Closed or open intervals of numbers, for ranges (`minimum`, `maximum`, numeric formats) and
 * sizes (`minLength`/`maxLength`, `minItems`/`maxItems`). Comparing two intervals tells
 * whether the new bounds accept more, less, or something else than the old ones.
 */

export interface Interval {
  readonly low: number;
  readonly lowExclusive: boolean;
  readonly high: number;
  readonly highExclusive: boolean;
}

export const EVERYTHING: Interval = { low: -Infinity, lowExclusive: false, high: Infinity, highExclusive: false };

export function intersect(a: Interval, b: Interval): Interval {
  const lowFromA = a.low > b.low || (a.low === b.low && a.lowExclusive);
  const highFromA = a.high < b.high || (a.high === b.high && a.highExclusive);
  return {
    low: lowFromA ? a.low : b.low,
    lowExclusive: lowFromA ? a.lowExclusive : b.lowExclusive,
    high: highFromA ? a.high : b.high,
    highExclusive: highFromA ? a.highExclusive : b.highExclusive,
  };
}

function contains(outer: Interval, inner: Interval): boolean {
  const lowOk = outer.low < inner.low || (outer.low === inner.low && (!outer.lowExclusive || inner.lowExclusive));
  const highOk =
    outer.high > inner.high || (outer.high === inner.high && (!outer.highExclusive || inner.highExclusive));
  return lowOk && highOk;
}

export type Containment = "same" | "narrowed" | "widened" | "changed";

export function compareIntervals(before: Interval, after: Interval): Containment {
  const widened = contains(after, before);
  const narrowed = contains(before, after);
  if (widened && narrowed) return "same";
  if (widened) return "widened";
  if (narrowed) return "narrowed";
  return "changed";
}

export function renderInterval(interval: Interval): string {
  const low = Number.isFinite(interval.low) ? String(interval.low) : "";
  const high = Number.isFinite(interval.high) ? String(interval.high) : "";
  if (low === "" && high === "") return "unbounded";
  return `${interval.lowExclusive ? "(" : "["}${low}..${high}${interval.highExclusive ? ")" : "]"}`;
}
