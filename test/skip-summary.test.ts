/**
 * `npm test` ends with what it skipped and how to run it. Through a real vitest run of a
 * fixture with the project's reporters, and the wording on its own.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PG_HOW_TO_ENABLE, SHARED_HOW_TO_ENABLE, statedReason, summarizeSkips } from "./support/skip-summary.js";

const repo = path.resolve(import.meta.dirname, "..");

describe("the skip summary", () => {
  it("ends a vitest run with one line per missing requirement and how to provide it", () => {
    const run = spawnSync(
      process.execPath,
      [path.join(repo, "node_modules/vitest/vitest.mjs"), "run", "--config", path.join(repo, "test/fixtures/skip-summary/vitest.config.ts")],
      { cwd: repo, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const output = run.stdout.trimEnd();
    const summary = output.slice(output.indexOf("Skipped 5 tests"));
    expect(summary.split("\n")).toEqual([
      "Skipped 5 tests — what is missing, and how to run them:",
      `  - PostgreSQL (1 test in 1 file): ${PG_HOW_TO_ENABLE}`,
      `  - the upstream corpus and the seed (../shared) (2 tests in 1 file): ${SHARED_HOW_TO_ENABLE}`,
      "  - prlimit (1 test in 1 file): install util-linux (it provides prlimit)",
      "  - no reason given (1 test in 1 file, e.g. skips.fixture.ts › skipped without saying why)",
    ]);
    // At the very end, after vitest's own summary.
    expect(output.indexOf("Skipped 5 tests")).toBeGreaterThan(output.indexOf("Tests "));
  });

  it("finds the reason in the skip note first, then in the test's or its suites' names", () => {
    expect(statedReason("  a note ", ["x (needs y)"])).toBe("a note");
    expect(statedReason(undefined, ["a test", "a suite (needs ../shared/seed/x.json)"])).toBe("../shared/seed/x.json");
    expect(statedReason(undefined, ["round-trips (skipped: /data/corpus.json is absent)"])).toBe("/data/corpus.json is absent");
    expect(statedReason(undefined, ["needs PostgreSQL: set THREAD_QUEUE_TEST_PG_URL"])).toBe("PostgreSQL: set THREAD_QUEUE_TEST_PG_URL");
    expect(statedReason("", ["plain"])).toBeUndefined();
  });

  it("says nothing when nothing was skipped, and leaves out unexplained skips under a name filter", () => {
    expect(summarizeSkips([], { includeUnexplained: true })).toEqual([]);
    const unexplained = [{ file: "a.test.ts", name: "x", reason: undefined }];
    expect(summarizeSkips(unexplained, { includeUnexplained: false })).toEqual([]);
    expect(summarizeSkips(unexplained, { includeUnexplained: true })).toHaveLength(2);
  });

  it("names a requirement it has no advice for as the test states it", () => {
    expect(summarizeSkips([{ file: "b.test.ts", name: "s > t", reason: "a GPU" }], { includeUnexplained: true })).toEqual([
      "Skipped 1 test — what is missing, and how to run them:",
      "  - a GPU (1 test in 1 file, e.g. b.test.ts › s > t)",
    ]);
  });
});
