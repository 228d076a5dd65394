/**
 * The benchmark harness's arithmetic and its results file: a wrong median or a malformed
 * results.json would mislead every report built on them. (The benchmarks themselves are
 * never tests: `npm run bench`.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { figure, resultsProblems, writeResults, type BenchResult } from "../bench/lib/results.js";
import { samplePairs } from "../bench/lib/sampling.js";
import { median, percentile, slope, spread } from "../bench/lib/stats.js";

describe("bench statistics", () => {
  it("median: middle value, mean of the two middle ones for an even count, order-independent", () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 1, 1000, 2, 3])).toBe(3);
    expect(() => median([])).toThrow(RangeError);
  });

  it("median does not reorder its input", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it("spread: (max - min) / median", () => {
    expect(spread([10, 10, 10])).toBe(0);
    expect(spread([9, 10, 11])).toBeCloseTo(0.2);
    expect(spread([100, 200, 150, 50, 150])).toBeCloseTo(1);
    expect(spread([0, 0])).toBe(0);
  });

  it("percentile: nearest rank, an observed value", () => {
    const ms = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(ms, 50)).toBe(500);
    expect(percentile(ms, 99)).toBe(990);
    expect(percentile(ms, 100)).toBe(1000);
    expect(percentile(ms, 0)).toBe(1);
    expect(percentile([7, 1, 3], 50)).toBe(3);
    expect(() => percentile(ms, 101)).toThrow(RangeError);
  });

  it("slope: least squares", () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([0, 1, 2], [4, 4, 4])).toBe(0);
    expect(() => slope([1], [1])).toThrow(RangeError);
  });
});

describe("bench sampling", () => {
  it("drops warm-up runs and alternates subject and baseline", async () => {
    const calls: string[] = [];
    let n = 0;
    const pairs = await samplePairs(
      3,
      1,
      () => (calls.push("s"), ++n),
      () => (calls.push("b"), -++n),
    );
    expect(calls).toEqual(["b", "s", "s", "b", "b", "s", "s", "b"]);
    expect(pairs.subject).toEqual([3, 6, 7]);
    expect(pairs.baseline).toEqual([-4, -5, -8]);
  });
});

describe("bench results", () => {
  it("figure: medians, ratio, runs, spread and the target verdict", () => {
    const r = figure({
      name: "x/y",
      unit: "ms",
      samples: [10, 30, 20],
      baseline: { name: "b", samples: [5, 15, 10, 10] },
      target: { of: "ratio", op: "<=", limit: 2 },
    });
    expect(r).toEqual({
      name: "x/y",
      value: 20,
      unit: "ms",
      baseline: "b",
      baselineValue: 10,
      ratio: 2,
      runs: 3,
      spread: 1,
      target: "ratio <= 2",
      met: true,
    });
    expect(figure({ name: "m", unit: "MiB", samples: [151] , target: { of: "value", op: "<=", limit: 150 } }).met).toBe(false);
    expect(figure({ name: "p", unit: "ms", samples: [4], baseline: { name: "published", value: 4.16 } })).toMatchObject({ baselineValue: 4.16, met: null, target: null });
  });

  it("a results file has exactly the documented fields", () => {
    const good = [figure({ name: "a", unit: "ms", samples: [1, 2, 3] })];
    expect(resultsProblems(good)).toEqual([]);
    expect(resultsProblems({})).toEqual(["results must be an array"]);
    expect(resultsProblems([{ ...good[0], extra: 1 }])).toEqual(["[0].extra is not a documented field"]);
    expect(resultsProblems([{ ...good[0], runs: 0 }])).toEqual(["[0].runs is 0"]);
    expect(resultsProblems([{ ...good[0], baseline: "b" }])).toEqual(["[0] baseline and baselineValue must both be set or both null"]);
    expect(resultsProblems([{ ...good[0], value: Number.NaN }])).toEqual(["[0].value is null"]);
  });

  describe("writeResults", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });
    const at = (name: string, value: number): BenchResult => figure({ name, unit: "ms", samples: [value] });

    it("a full run replaces the file; a partial run replaces only its benchmarks' figures, in benchmark order", () => {
      dir = mkdtempSync(join(tmpdir(), "bench-results-"));
      const file = join(dir, "results.json");
      const order = ["one", "two", "three"];
      writeResults(file, [at("one", 1), at("two/a", 2), at("two/b", 3), at("three", 4)], ["one", "two", "three"], false, order);
      writeResults(file, [at("two/a", 20)], ["two"], true, order);
      const written: unknown = JSON.parse(readFileSync(file, "utf8"));
      expect(resultsProblems(written)).toEqual([]);
      expect((written as BenchResult[]).map((r) => [r.name, r.value])).toEqual([
        ["one", 1],
        ["two/a", 20],
        ["three", 4],
      ]);
      writeResults(file, [at("three", 5)], ["three"], false, order);
      expect((JSON.parse(readFileSync(file, "utf8")) as BenchResult[]).map((r) => r.name)).toEqual(["three"]);
    });

    it("a malformed previous file is replaced, not merged", () => {
      dir = mkdtempSync(join(tmpdir(), "bench-results-"));
      const file = join(dir, "results.json");
      writeFileSync(file, "{not json");
      writeResults(file, [at("one", 1)], ["one"], true, ["one"]);
      expect((JSON.parse(readFileSync(file, "utf8")) as BenchResult[]).map((r) => r.name)).toEqual(["one"]);
    });
  });
});
