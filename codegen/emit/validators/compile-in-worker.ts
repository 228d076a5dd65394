/**
 * ajv's compile in a worker thread, so that on a machine with a second core it runs while
 * the main thread prints the TypeScript of every other emitter: for a large protocol these
 * are the two biggest costs of a run, of similar size (bench: codegen-corpus). Planning
 * (names, formats) stays here, so its errors are the same as in-process; the output is
 * byte-identical to compileValidators's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ProtocolModel } from "../../model/model.js";
import { compiledFrom, planValidators, type CompiledValidators } from "./compile.js";
import type { WorkerAnswer } from "./compile-worker.js";

/**
 * The worker's module beside this one. Run from TypeScript sources (a clone, the tests), the
 * worker first registers tsx's loader, which this thread's module hooks do not give it.
 */
function workerScript(): { readonly script: string | URL; readonly eval: boolean } {
  const fromSources = import.meta.url.endsWith(".ts");
  if (!fromSources) return { script: new URL("./compile-worker.js", import.meta.url), eval: false };
  const entry = new URL("./compile-worker.ts", import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { script: code, eval: true };
}

/** tsx's `tsx/esm/api` (ES module) as its package declares it. */
function tsxApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const target = manifest.exports["./esm/api"]?.import.default ?? "./dist/esm/api/index.mjs";
  return pathToFileURL(path.join(path.dirname(manifestPath), target)).href;
}

export async function compileValidatorsInWorker(model: ProtocolModel): Promise<CompiledValidators> {
  const plan = planValidators(model);
  const { script, eval: isCode } = workerScript();
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    const worker = new Worker(script, {
      eval: isCode,
      workerData: plan.request,
      // ajv allocates a great many short-lived objects; a larger young generation than V8's
      // default spends less of the compile collecting them.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    worker.once("message", (message: WorkerAnswer) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the validators' compile worker exited with code ${code} before answering`)));
  });
  if (!answer.ok) throw new Error(`ajv's compile (in its worker thread) failed: ${answer.message}`);
  return compiledFrom(plan, answer);
}
