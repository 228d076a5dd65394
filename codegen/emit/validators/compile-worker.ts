/**
 * Worker-thread entry of compile-in-worker.ts: waits for one StandaloneRequest, compiles it
 * with ajv and posts the result (or the error's message) back, then ends. Imports only
 * ajv-compile.ts's graph, loaded while the main thread is still reading the schema.
 */
import { parentPort } from "node:worker_threads";
import { compileStandalone, type StandaloneRequest } from "./ajv-compile.js";

export type WorkerAnswer = { readonly ok: true; readonly source: string; readonly functionNames: readonly string[] } | { readonly ok: false; readonly message: string };

function answer(request: StandaloneRequest): WorkerAnswer {
  try {
    const result = compileStandalone(request);
    return { ok: true, source: result.source, functionNames: result.functionNames };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort?.once("message", (request: StandaloneRequest) => {
  parentPort?.postMessage(answer(request));
  parentPort?.close();
});
