/**
 * codegen-check: whole-process wall time of `--check` on the project's own schemas, the step of
 * the edit-regenerate loop and of CI. The output is generated into a private folder first
 * (setup), so the figure never depends on the state of the shared generated/. Measured as
 * `npm run codegen -- --check` (what people type, npm's own start-up included) and as the
 * process npm starts (tsx codegen/cli.ts); the baseline is the same process with the check
 * record disabled (CODEGEN_CHECK_CACHE=off), i.e. the full comparison that runs every emitter.
 */
import { join } from "node:path";
import type { Benchmark } from "../lib/benchmark.js";
import { runCodegen } from "../lib/corpus.js";
import { REPO_ROOT } from "../lib/paths.js";
import { timeProcess } from "../lib/process-time.js";
import { figure } from "../lib/results.js";
import { samplePairs } from "../lib/sampling.js";

export const codegenCheck: Benchmark = {
  name: "codegen-check",
  summary: "`npm run codegen -- --check` on the project's schemas (whole process) vs the full comparison",
  async run({ runs, warmup, tmpDir }) {
    const out = join(tmpDir, "generated");
    const schema = join(REPO_ROOT, "schema");
    await runCodegen(schema, out);
    const full = { ...process.env, CODEGEN_CHECK_CACHE: "off" };
    const viaTsx = async () => (await runCodegen(schema, out, ["--check"])).ms;
    const fullCheck = async () => (await runCodegen(schema, out, ["--check"], full)).ms;
    const viaNpm = async () => (await timeProcess("npm", ["run", "-s", "codegen", "--", "--check", "--schema", schema, "--out", out], { cwd: REPO_ROOT })).ms;

    const process_ = await samplePairs(runs, warmup, viaTsx, fullCheck);
    const npm = await samplePairs(runs, warmup, viaNpm, fullCheck);
    const baseline = { name: "the same --check doing the full comparison (CODEGEN_CHECK_CACHE=off)", samples: [...process_.baseline, ...npm.baseline] };
    return {
      results: [
        figure({ name: "codegen-check/npm", unit: "ms", samples: npm.subject, baseline, target: { of: "value", op: "<=", limit: 1000 } }),
        figure({ name: "codegen-check/process", unit: "ms", samples: process_.subject, baseline, target: { of: "value", op: "<=", limit: 1000 } }),
      ],
    };
  },
};
