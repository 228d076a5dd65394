/**
 * The worker thread that compiles the validators (compile-worker.ts), startable before the
 * model is even loaded: its start-up (an isolate, ajv's modules) then overlaps the loading of
 * the schema instead of following it. This module imports nothing heavy, so the CLI can
 * import it first. A worker started and never used does not keep the process alive.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

let prestarted: Worker | undefined;

/** Starts the worker now, for the next compileValidatorsInWorker to use. */
export function prestartCompileWorker(): void {
  prestarted ??= startWorker();
  prestarted.unref();
}

/** The pre-started worker (referenced again: the process waits for its answer), or a new one. */
export function takeCompileWorker(): Worker {
  const worker = prestarted ?? startWorker();
  prestarted = undefined;
  worker.ref();
  return worker;
}

function startWorker(): Worker {
  const { script, eval: isCode } = workerScript();
  return new Worker(script, {
    eval: isCode,
    // ajv allocates a great many short-lived objects; a larger young generation than V8's
    // default spends less of the compile collecting them.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
}

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
