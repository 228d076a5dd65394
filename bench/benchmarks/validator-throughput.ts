/**
 * validator-throughput: validations per second of the generated validate<Type> (ajv code
 * compiled at codegen time, plus the typed wrapper that returns { ok }) against ajv compiling
 * the same schemas with the same options at run time, on a thread/queue/changed notification
 * with 10 queued turns and on thread/queue/add params. Same process, interleaved runs.
 * The generated validators run as users run them: the protocol package's compiled JavaScript
 * (plain tsc output; built once, untimed), not the sources through tsx, whose transform of
 * ajv's code measured ~15% slower.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { v2 as GeneratedV2 } from "../../generated/validators/index.js";
import type { Benchmark } from "../lib/benchmark.js";
import { compiledProtocolModule } from "../lib/packages.js";
import { queueAddParams, queueChangedNotification } from "../lib/payloads.js";
import { REPO_ROOT } from "../lib/paths.js";
import { figure } from "../lib/results.js";
import { compileAtRunTime } from "../lib/runtime-ajv.js";
import { samplePairs } from "../lib/sampling.js";

/** How long one run calls the validator. */
const RUN_MS = 200;
/**
 * Runs are short and cheap, and the two sides run the same ajv code, so the ratio sits near 1
 * where a shared machine's noise is of the same size: three times the usual runs (at least 15)
 * keep the medians steady.
 */
const RUNS_FACTOR = 3;

type Validate = (value: unknown) => unknown;

export const validatorThroughput: Benchmark = {
  name: "validator-throughput",
  summary: "validations/s of the generated validate<Type> vs ajv compiled at run time (same schemas, same options)",
  async run({ runs, warmup, log }) {
    const runtime = compileAtRunTime(join(REPO_ROOT, "generated/schema/protocol.schemas.json"));
    const { v2 } = (await import(pathToFileURL(compiledProtocolModule("validators/index.js")).href)) as { v2: typeof GeneratedV2 };
    const cases = [
      {
        name: "validator-throughput/queue-changed-10",
        value: queueChangedNotification(),
        generated: v2.validateThreadQueueChangedNotification,
        baseline: runtime.get("v2/ThreadQueueChangedNotification"),
      },
      {
        name: "validator-throughput/queue-add-params",
        value: queueAddParams(),
        generated: v2.validateThreadQueueAddParams,
        baseline: runtime.get("v2/ThreadQueueAddParams"),
      },
    ];
    const results = [];
    for (const c of cases) {
      if (!c.generated(c.value).ok || c.baseline(c.value) !== true) throw new Error(`${c.name}: the payload does not validate`);
      const generated = loopOf(c.generated);
      const baseline = loopOf(c.baseline);
      const pairs = await samplePairs(Math.max(15, runs * RUNS_FACTOR), warmup + 2, () => generated(c.value, RUN_MS), () => baseline(c.value, RUN_MS));
      log(`${c.name}: generated ${Math.round(Math.max(...pairs.subject)).toLocaleString("en-US")}/s at best`);
      results.push(
        figure({
          name: c.name,
          unit: "validations/s",
          samples: pairs.subject,
          baseline: { name: "ajv compiled at run time, same schemas and options", samples: pairs.baseline },
          target: { of: "ratio", op: ">=", limit: 1 },
        }),
      );
    }
    return { results };
  },
};

/**
 * A timing loop of its own for each validator: one shared loop would see two functions at its
 * call site and V8 would optimise it for neither, penalising whichever ran second.
 */
function loopOf(validate: Validate): (value: unknown, ms: number) => number {
  const loop = new Function(
    "validate",
    "now",
    `return function timed(value, ms) {
       let calls = 0;
       let sink = 0;
       const started = now();
       let elapsed = 0;
       do {
         for (let i = 0; i < 1000; i++) if (validate(value)) sink++;
         calls += 1000;
         elapsed = now() - started;
       } while (elapsed < ms);
       if (sink !== calls) throw new Error("a validation failed");
       return (calls * 1000) / elapsed;
     };`,
  ) as (validate: Validate, now: () => number) => (value: unknown, ms: number) => number;
  return loop(validate, () => performance.now());
}
