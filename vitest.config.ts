import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["codegen/**/*.test.ts", "server/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end suites spawn real server processes; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
    // The default output, then what was skipped and how to run it (test/support/skip-summary.ts).
    reporters: ["default", "./test/support/skip-summary-reporter.ts"],
  },
});
