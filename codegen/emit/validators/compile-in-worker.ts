/**
 * ajv's compile in a worker thread, so that on a machine with a second core it runs while
 * the main thread prints the TypeScript of every other emitter: for a large protocol these
 * are the two biggest costs of a run, of similar size (bench: codegen-corpus). Planning
 * (names, formats) stays here, so its errors are the same as in-process; the output is
 * byte-identical to compileValidators's.
 */
import type { ProtocolModel } from "../../model/model.js";
import { compiledFrom, planValidators, type CompiledValidators } from "./compile.js";
import { takeCompileWorker } from "./compile-worker-handle.js";
import type { WorkerAnswer } from "./compile-worker.js";

export async function compileValidatorsInWorker(model: ProtocolModel): Promise<CompiledValidators> {
  const plan = planValidators(model);
  const worker = takeCompileWorker();
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    worker.once("message", (message: WorkerAnswer) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the validators' compile worker exited with code ${code} before answering`)));
    worker.postMessage(plan.request);
  });
  if (!answer.ok) throw new Error(`ajv's compile (in its worker thread) failed: ${answer.message}`);
  return compiledFrom(plan, answer);
}
