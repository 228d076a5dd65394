/**
 * validator-cold-start: in a fresh node process, the time to import the generated validators of
 * the whole upstream corpus (validators/standalone.ts compiled to JavaScript, 667 types, with ajv's runtime helpers and
 * formats.ts), against the time to import ajv, create it with codegen's options and compile the
 * same 667 types at run time. Both are timed inside the child from its first line, so node's own
 * start-up (the same for both) is left out. Plain node, no tsx: the generated code is JavaScript.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { javascriptOf } from "../../codegen/emit/validators/test-support.js";
import type { Benchmark } from "../lib/benchmark.js";
import { bundleTypeIds, runCodegen } from "../lib/corpus.js";
import { CORPUS_BUNDLE, corpusMissing } from "../lib/paths.js";
import { timeProcess } from "../lib/process-time.js";
import { figure } from "../lib/results.js";
import { RUNTIME_AJV_OPTIONS } from "../lib/runtime-ajv.js";
import { samplePairs } from "../lib/sampling.js";

export const validatorColdStart: Benchmark = {
  name: "validator-cold-start",
  summary: "import of the generated corpus validators vs new Ajv + compiling the same schemas, fresh process",
  async run({ runs, warmup, tmpDir, log }) {
    const missing = corpusMissing();
    if (missing !== undefined) return { skipped: missing };
    const out = join(tmpDir, "out");
    log("generating the corpus's code (setup, not timed)");
    await runCodegen(CORPUS_BUNDLE, out);
    // The generated validators are TypeScript; a client project's build emits this JavaScript.
    for (const module of ["validators/standalone", "validators/formats"]) {
      writeFileSync(join(out, `${module}.js`), javascriptOf(readFileSync(join(out, `${module}.ts`), "utf8")));
    }
    const bundlePath = join(out, "schema/protocol.schemas.json");
    const ids = bundleTypeIds((JSON.parse(readFileSync(bundlePath, "utf8")) as { definitions: Record<string, unknown> }).definitions);
    const standalone = pathToFileURL(join(out, "validators/standalone.js")).href;
    const formats = pathToFileURL(join(out, "validators/formats.js")).href;
    const ajv = pathToFileURL(createRequire(import.meta.url).resolve("ajv")).href;

    const importScript = `
      const started = performance.now();
      const validators = await import(${JSON.stringify(standalone)});
      const ms = performance.now() - started;
      const count = Object.keys(validators).length;
      if (count !== ${ids.length}) throw new Error("standalone.js exports " + count + " validators");
      console.log(ms);`;
    const compileScript = `
      import { readFileSync } from "node:fs";
      const started = performance.now();
      const { Ajv } = await import(${JSON.stringify(ajv)});
      const { formats } = await import(${JSON.stringify(formats)});
      const bundle = JSON.parse(readFileSync(${JSON.stringify(bundlePath)}, "utf8"));
      const ajv = new Ajv(${JSON.stringify(RUNTIME_AJV_OPTIONS)});
      for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
      ajv.addSchema({ $id: "protocol", definitions: bundle.definitions });
      for (const id of ${JSON.stringify(ids)}) if (typeof ajv.getSchema("protocol#/definitions/" + id) !== "function") throw new Error(id);
      console.log(performance.now() - started);`;
    const inChild = async (script: string) => Number((await timeProcess(process.execPath, ["--input-type=module", "-e", script])).stdout.trim());

    const pairs = await samplePairs(runs, warmup, () => inChild(importScript), () => inChild(compileScript));
    return {
      results: [
        figure({
          name: "validator-cold-start",
          unit: "ms",
          samples: pairs.subject,
          baseline: { name: `new Ajv + compiling the same ${ids.length} types at run time`, samples: pairs.baseline },
          target: { of: "ratio", op: "<=", limit: 0.1 },
        }),
      ],
    };
  },
};
