/**
 * A worker thread for one module of codegen (the validators' compile, the docs site),
 * startable before the model is even loaded: its start-up (an isolate, its modules) then
 * overlaps the loading of the schema instead of following it. This module imports nothing
 * heavy, so the CLI can import it first. A worker started and never used does not keep the
 * process alive.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export class WorkerSlot {
  private prestarted: Worker | undefined;

  /** `entry` is the worker's module without its extension, relative to `callerUrl` (the caller's import.meta.url). */
  constructor(
    private readonly callerUrl: string,
    private readonly entry: string,
  ) {}

  /** Starts the worker now, for the next `take` to use. */
  prestart(): void {
    this.prestarted ??= this.start();
    this.prestarted.unref();
  }

  /** The pre-started worker (referenced again: the process waits for its answer), or a new one. */
  take(): Worker {
    const worker = this.prestarted ?? this.start();
    this.prestarted = undefined;
    worker.ref();
    return worker;
  }

  private start(): Worker {
    const { script, eval: isCode } = this.script();
    return new Worker(script, {
      eval: isCode,
      // Both workers allocate a great many short-lived objects (ajv's code generation, the
      // site's trees); a larger young generation than V8's default collects less often.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
  }

  /**
   * The worker's module beside the caller. Run from TypeScript sources (a clone, the tests),
   * the worker first registers tsx's loader, which this thread's module hooks do not give it.
   */
  private script(): { readonly script: string | URL; readonly eval: boolean } {
    const fromSources = this.callerUrl.endsWith(".ts");
    if (!fromSources) return { script: new URL(`${this.entry}.js`, this.callerUrl), eval: false };
    const entry = new URL(`${this.entry}.ts`, this.callerUrl).href;
    const code = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    return { script: code, eval: true };
  }
}

/** tsx's `tsx/esm/api` (ES module) as its package declares it. */
function tsxApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const target = manifest.exports["./esm/api"]?.import.default ?? "./dist/esm/api/index.mjs";
  return pathToFileURL(path.join(path.dirname(manifestPath), target)).href;
}
