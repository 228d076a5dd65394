/**
 * `npm run bench [-- <name>…] [-- --runs N --warmup N --markdown]`: runs the benchmarks (all
 * by default), prints a table (and with --markdown the rows of bench/README.md's table) and
 * writes bench/results.json. Benchmarks never fail: a missed target is a
 * figure, shown as "NO", and the exit code stays 0 unless a benchmark itself crashed.
 * bench/README.md says what each measures.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCHMARKS } from "./benchmarks/index.js";
import type { Benchmark } from "./lib/benchmark.js";
import { REPO_ROOT } from "./lib/paths.js";
import { writeResults, type BenchResult } from "./lib/results.js";
import { formatMarkdownRows, formatTable } from "./lib/table.js";

const RESULTS_FILE = join(REPO_ROOT, "bench/results.json");
const TMP_ROOT = join(REPO_ROOT, "bench/tmp");

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      runs: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      list: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
    },
  });
  if (values.list) {
    for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(22)} ${b.summary}\n`);
    return 0;
  }
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(warmup) || warmup < 0) {
    log("bench: --runs must be a positive integer and --warmup a non-negative one");
    return 2;
  }
  const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    log(`bench: unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
    return 2;
  }
  const selected: Benchmark[] = positionals.length === 0 ? [...BENCHMARKS] : BENCHMARKS.filter((b) => positionals.includes(b.name));

  mkdirSync(TMP_ROOT, { recursive: true });
  const fresh: BenchResult[] = [];
  const ran: string[] = [];
  let crashed = 0;
  const started = performance.now();
  for (const benchmark of selected) {
    const tmpDir = mkdtempSync(join(TMP_ROOT, `${benchmark.name}-`));
    const t0 = performance.now();
    log(`▶ ${benchmark.name}: ${benchmark.summary}`);
    try {
      const outcome = await benchmark.run({ runs, warmup, tmpDir, log: (m) => log(`  ${m}`) });
      if ("skipped" in outcome) {
        log(`  skipped: ${outcome.skipped}`);
        continue;
      }
      fresh.push(...outcome.results);
      ran.push(benchmark.name);
      log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      crashed += 1;
      log(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  const order = BENCHMARKS.map((b) => b.name);
  writeResults(RESULTS_FILE, fresh, ran, positionals.length > 0, order);
  process.stdout.write(`${formatTable(fresh)}\n`);
  if (values.markdown) process.stdout.write(`\n${formatMarkdownRows(fresh)}\n`);
  log(`bench: ${fresh.length} figures from ${ran.length} benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s; written to bench/results.json`);
  return crashed === 0 ? 0 : 1;
}

process.exitCode = await main();
