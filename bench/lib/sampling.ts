/**
 * Interleaved sampling: subject and baseline take turns (warm-up runs first, unmeasured), so a
 * burst of load from another process on this shared machine hits both sides alike instead of
 * skewing whichever happened to run during it.
 */
export interface PairedSamples {
  readonly subject: number[];
  readonly baseline: number[];
}

export async function samplePairs(
  runs: number,
  warmup: number,
  subject: () => Promise<number> | number,
  baseline: () => Promise<number> | number,
): Promise<PairedSamples> {
  const result: PairedSamples = { subject: [], baseline: [] };
  for (let i = 0; i < warmup + runs; i++) {
    // Alternate which side goes first so neither always inherits the other's leftovers (GC, page cache).
    const first = i % 2 === 0 ? baseline : subject;
    const second = i % 2 === 0 ? subject : baseline;
    const a = await first();
    const b = await second();
    if (i < warmup) continue;
    (i % 2 === 0 ? result.baseline : result.subject).push(a);
    (i % 2 === 0 ? result.subject : result.baseline).push(b);
  }
  return result;
}

export async function sample(runs: number, warmup: number, measure: () => Promise<number> | number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const value = await measure();
    if (i >= warmup) samples.push(value);
  }
  return samples;
}
