/**
 * codegen-corpus: whole-process wall time of the project's codegen (types, validators, protocol,
 * server, client, runtime, bundle, docs site: 1,551 files) on the upstream corpus bundle, run as the
 * installed `thread-queue-codegen` bin runs it (the codegen package's compiled JavaScript under
 * plain node; built once, untimed), into an empty folder each time. Baseline: the
 * json-schema-to-typescript 16 CLI (plain node) compiling the same bundle to one types file
 * with --no-format. Its root type references nothing, so, as given, json2ts would emit one
 * empty interface; the bundle it gets has a `properties` entry referencing every definition
 * (built in setup), so it compiles all 667 types too.
 *
 * A second figure, `codegen-corpus/ajv-compile`, times the validators' ajv step alone inside
 * its own process (bench/lib/ajv-compile-probe.ts, after loading): the part of the run no
 * start-up or emitter work can hide, against the same baseline.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Benchmark } from "../lib/benchmark.js";
import { bundleTypeIds, runCodegen } from "../lib/corpus.js";
import { CORPUS_BUNDLE, corpusMissing, REPO_ROOT, TSX_CLI } from "../lib/paths.js";
import { compiledCodegenCli } from "../lib/packages.js";
import { timeProcess } from "../lib/process-time.js";
import { figure } from "../lib/results.js";
import { samplePairs } from "../lib/sampling.js";

export const codegenCorpus: Benchmark = {
  name: "codegen-corpus",
  summary: "full codegen of the upstream corpus (whole process) vs json-schema-to-typescript compiling it to one file",
  async run({ runs, warmup, tmpDir }) {
    const missing = corpusMissing();
    if (missing !== undefined) return { skipped: missing };
    const wrapper = join(tmpDir, "corpus-all-types.json");
    writeFileSync(wrapper, JSON.stringify(everyTypeReachable(JSON.parse(readFileSync(CORPUS_BUNDLE, "utf8")) as Bundle)));
    const json2ts = join(createRequire(import.meta.url).resolve("json-schema-to-typescript"), "../cli.js");

    const cli = compiledCodegenCli();
    let run = 0;
    const ours = async () => {
      const out = join(tmpDir, `out-${run++}`);
      const { ms } = await runCodegen(CORPUS_BUNDLE, out, [], undefined, cli);
      rmSync(out, { recursive: true, force: true });
      return ms;
    };
    const baseline = async () => (await timeProcess(process.execPath, [json2ts, "-i", wrapper, "-o", join(tmpDir, "json2ts.ts"), "--no-format"])).ms;
    const pairs = await samplePairs(runs, warmup, ours, baseline);
    const probe = join(REPO_ROOT, "bench/lib/ajv-compile-probe.ts");
    const ajvStep = async () => Number((await timeProcess(process.execPath, [TSX_CLI, probe, CORPUS_BUNDLE], { cwd: REPO_ROOT })).stdout.trim());
    const floor = await samplePairs(runs, warmup, ajvStep, baseline);
    const baselineName = "json-schema-to-typescript 16 CLI, same bundle to one file, --no-format";
    return {
      results: [
        figure({
          name: "codegen-corpus",
          unit: "ms",
          samples: pairs.subject,
          baseline: { name: baselineName, samples: pairs.baseline },
          target: { of: "ratio", op: "<=", limit: 2 },
        }),
        figure({ name: "codegen-corpus/ajv-compile", unit: "ms", samples: floor.subject, baseline: { name: baselineName, samples: floor.baseline } }),
      ],
    };
  },
};

interface Bundle {
  definitions: Record<string, unknown>;
  [key: string]: unknown;
}

function everyTypeReachable(bundle: Bundle): Bundle {
  const properties = Object.fromEntries(bundleTypeIds(bundle.definitions).map((id) => [id, { $ref: `#/definitions/${id}` }]));
  return { ...bundle, properties, additionalProperties: false };
}
