/** What a benchmark module exports, and what the runner hands it. */
import type { BenchResult } from "./results.js";

export interface BenchContext {
  /** Measured runs per figure (after `warmup` unmeasured ones). */
  readonly runs: number;
  readonly warmup: number;
  /** A fresh folder for this benchmark's files, removed afterwards. */
  readonly tmpDir: string;
  /** Progress on stderr, so stdout keeps only the table. */
  readonly log: (message: string) => void;
}

export type BenchOutcome = { readonly results: readonly BenchResult[] } | { readonly skipped: string };

export interface Benchmark {
  readonly name: string;
  /** One line for `--list` and the table's heading. */
  readonly summary: string;
  run(context: BenchContext): Promise<BenchOutcome>;
}
