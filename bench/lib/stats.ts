/**
 * The statistics every figure in bench/results.json is made of. Pure functions, unit-tested in
 * test/bench-stats.test.ts, because a wrong median would silently mislead every report.
 */

/** Middle value of the samples; the mean of the two middle ones for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError("median of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * How far the runs disagree, relative to their median: (max − min) / median. 0.1 means the
 * slowest and fastest runs were 10% of the median apart. A range rather than a standard
 * deviation because there are only a handful of runs and one outlier is exactly what a reader
 * of a noisy shared machine's figures needs to see.
 */
export function spread(samples: readonly number[]): number {
  const mid = median(samples);
  if (mid === 0) return 0;
  return (Math.max(...samples) - Math.min(...samples)) / Math.abs(mid);
}

/**
 * The p-th percentile (0..100) by nearest rank on the sorted samples, so p99 of 1,000 latencies
 * is the 990th smallest: an observed value, never an interpolation between two.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError("percentile of no samples");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Least-squares slope of y over x: how fast a series grows (e.g. RSS per request). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError("slope needs two or more (x, y) pairs");
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}
