/**
 * Worker-thread entry of compile-in-worker.ts. Its first message is a StandaloneRequest: it
 * compiles it with ajv and posts the result (or the error's message) back. Later messages
 * are values to check with the validators that compile made (the docs emitter's examples),
 * answered in order. Imports only ajv-compile.ts's graph, loaded while the main thread is
 * still reading the schema. The main thread unreferences the worker when nothing is pending,
 * so it never keeps the process alive.
 */
import { parentPort } from "node:worker_threads";
import { compileStandaloneChecker, type CheckProblems, type StandaloneRequest, type ValueCheck } from "./ajv-compile.js";

export type WorkerRequest = { readonly kind: "compile"; readonly request: StandaloneRequest } | { readonly kind: "check"; readonly checks: readonly ValueCheck[] };

export type WorkerAnswer =
  | { readonly ok: true; readonly kind: "compile"; readonly source: string; readonly functionNames: readonly string[] }
  | { readonly ok: true; readonly kind: "check"; readonly problems: readonly CheckProblems[] }
  | { readonly ok: false; readonly message: string };

let check: ((checks: readonly ValueCheck[]) => CheckProblems[]) | undefined;

function answer(message: WorkerRequest): WorkerAnswer {
  try {
    if (message.kind === "compile") {
      const compiled = compileStandaloneChecker(message.request);
      check = compiled.check;
      return { ok: true, kind: "compile", source: compiled.result.source, functionNames: compiled.result.functionNames };
    }
    if (check === undefined) return { ok: false, message: "values to check arrived before the compile request" };
    return { ok: true, kind: "check", problems: check(message.checks) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort?.on("message", (message: WorkerRequest) => parentPort?.postMessage(answer(message)));
