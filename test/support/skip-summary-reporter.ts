/**
 * A vitest reporter that prints the skip summary (skip-summary.ts) after the default reporter's
 * own. Listed in vitest.config.ts next to "default".
 */
import { relative } from "node:path";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import { statedReason, summarizeSkips, type SkippedTest } from "./skip-summary.js";

export default class SkipSummaryReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const vitest = this.vitest;
    if (vitest === undefined) return;
    const skipped: SkippedTest[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== "skipped" || test.options.mode === "todo") continue;
        skipped.push({
          file: relative(vitest.config.root, module.moduleId),
          name: test.fullName,
          reason: statedReason(result.note, namesOf(test)),
        });
      }
    }
    // A name filter (-t) skips tests on purpose: only stated reasons are worth a line then.
    const lines = summarizeSkips(skipped, { includeUnexplained: vitest.config.testNamePattern === undefined });
    if (lines.length > 0) vitest.logger.log(`\n${lines.join("\n")}\n`);
  }
}

/** The test's own name, then its suites' outwards. */
function namesOf(test: TestCase): string[] {
  const names = [test.name];
  for (let parent = test.parent; parent.type === "suite"; parent = parent.parent) names.push(parent.name);
  return names;
}
