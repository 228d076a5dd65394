/**
 * Worker-thread entry of the docs emitter (in-worker.ts): receives the model, builds the site
 * up to the method pages, asks the main thread to check the example values (the main thread
 * has them checked by the validators' compile worker, which compiled every type already),
 * finishes the site and posts its files — or the input errors, or an internal error's stack.
 */
import { parentPort } from "node:worker_threads";
import { SchemaInputError, type SchemaError } from "../../errors.js";
import type { GeneratedFile, ProtocolModel } from "../../model/model.js";
import type { CheckProblems, ValueCheck } from "../validators/ajv-compile.js";
import { loadGraphviz } from "./diagrams.js";
import { startSite } from "./site-files.js";

/** From the main thread: the model to document, then the answer to the worker's one check request. */
export type DocsWorkerRequest =
  | { readonly kind: "emit"; readonly model: ProtocolModel }
  | { readonly kind: "checked"; readonly problems: readonly CheckProblems[] }
  | { readonly kind: "check-failed"; readonly message: string };

/** To the main thread. */
export type DocsWorkerMessage =
  | { readonly kind: "check"; readonly checks: readonly ValueCheck[] }
  | { readonly kind: "files"; readonly files: readonly GeneratedFile[] }
  | { readonly kind: "input-errors"; readonly errors: readonly SchemaError[] }
  | { readonly kind: "failed"; readonly message: string };

if (parentPort === null) throw new Error("docs-worker.ts runs only as a worker thread");
const port = parentPort;
const post = (message: DocsWorkerMessage): void => port.postMessage(message);

function checked(checks: readonly ValueCheck[]): Promise<readonly CheckProblems[]> {
  return new Promise((resolve, reject) => {
    port.once("message", (answer: DocsWorkerRequest) => {
      if (answer.kind === "checked") resolve(answer.problems);
      else reject(new Error(answer.kind === "check-failed" ? answer.message : `expected the checks' answer, got a ${answer.kind} message`));
    });
    post({ kind: "check", checks });
  });
}

port.once("message", (request: DocsWorkerRequest) => {
  void (async () => {
    try {
      if (request.kind !== "emit") throw new Error(`expected the model first, got a ${request.kind} message`);
      if ((request.model.diagrams ?? []).length > 0) await loadGraphviz();
      const site = startSite(request.model);
      post({ kind: "files", files: site.finish(await checked(site.examples)) });
    } catch (error) {
      if (error instanceof SchemaInputError) post({ kind: "input-errors", errors: error.errors });
      else post({ kind: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
