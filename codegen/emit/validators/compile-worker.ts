/**
 * Worker-thread entry of compile-in-worker.ts: compiles one StandaloneRequest with ajv and
 * posts the result (or the error's message) back. Imports only ajv-compile.ts's graph.
 */
import { parentPort, workerData } from "node:worker_threads";
import { compileStandalone, type StandaloneRequest } from "./ajv-compile.js";

export type WorkerAnswer = { readonly ok: true; readonly source: string; readonly functionNames: readonly string[] } | { readonly ok: false; readonly message: string };

let answer: WorkerAnswer;
try {
  const result = compileStandalone(workerData as StandaloneRequest);
  answer = { ok: true, source: result.source, functionNames: result.functionNames };
} catch (error) {
  answer = { ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
parentPort?.postMessage(answer);
