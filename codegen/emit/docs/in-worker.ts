/**
 * The docs emitter in a worker thread of its own (the CLI's): the site is the largest part of
 * a codegen run after ajv's compile, and on a machine with a second core it runs beside the
 * TypeScript emitters (main thread) and the compile (the validators' worker). Its examples
 * are checked by the validators the compile worker compiled, relayed through here. The files
 * are byte-identical to emitDocs's. Imports none of the site's modules: the main thread does
 * not need them.
 */
import type { DeferredEmitter, GeneratedFile, ProtocolModel } from "../../model/model.js";
import { SchemaInputError } from "../../errors.js";
import { checkValuesInWorker } from "../validators/compile-in-worker.js";
import type { DocsWorkerMessage, DocsWorkerRequest } from "./docs-worker.js";
import { takeDocsWorker } from "./in-worker-handle.js";

/** emitDocs's files, from the worker; one worker per model (the CLI may start it early). */
export const emitDocsInWorker: DeferredEmitter = {
  name: "emitDocs",
  start: (model) => {
    let files = started.get(model);
    if (files === undefined) {
      files = emitInWorker(model);
      started.set(model, files);
    }
    return files;
  },
};

const started = new WeakMap<ProtocolModel, Promise<GeneratedFile[]>>();

function emitInWorker(model: ProtocolModel): Promise<GeneratedFile[]> {
  const worker = takeDocsWorker();
  const post = (message: DocsWorkerRequest): void => worker.postMessage(message);
  return new Promise<GeneratedFile[]>((resolve, reject) => {
    worker.on("message", (message: DocsWorkerMessage) => {
      switch (message.kind) {
        case "check":
          checkValuesInWorker(model, message.checks).then(
            (problems) => post({ kind: "checked", problems }),
            (error: unknown) => post({ kind: "check-failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
          );
          return;
        case "files":
          resolve([...message.files]);
          break;
        case "input-errors":
          reject(new SchemaInputError(message.errors));
          break;
        case "failed":
          reject(new Error(`the docs emitter (in its worker thread) failed: ${message.message}`));
          break;
      }
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the docs worker exited with code ${code} before answering`)));
    post({ kind: "emit", model });
  });
}
