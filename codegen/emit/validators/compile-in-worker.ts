/**
 * ajv's compile in a worker thread, so that on a machine with a second core it runs while
 * the main thread prints the TypeScript of every other emitter: for a large protocol these
 * are the two biggest costs of a run, of similar size (bench: codegen-corpus). Planning
 * (names, formats) stays here, so its errors are the same as in-process; the output is
 * byte-identical to compileValidators's. The same worker then checks values (the docs
 * emitter's examples) with the validators it compiled, so the protocol is compiled once.
 */
import type { Worker } from "node:worker_threads";
import type { ProtocolModel } from "../../model/model.js";
import type { CheckProblems, ValueCheck } from "./ajv-compile.js";
import type { CompiledValidators, ValidatorsPlan } from "./compile.js";
import { takeCompileWorker } from "./compile-worker-handle.js";
import type { WorkerAnswer, WorkerRequest } from "./compile-worker.js";
import { standaloneRequest } from "./request.js";

/** One worker per model: the compile, then any number of checks, answered in order. */
class CompileSession {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (answer: WorkerAnswer) => void; reject: (error: Error) => void }[] = [];
  private closed = false;
  /** The names and formats, checked (before the worker answers). */
  readonly planned: Promise<ValidatorsPlan>;
  readonly compiled: Promise<CompiledValidators>;

  constructor(model: ProtocolModel) {
    this.worker = takeCompileWorker();
    this.worker.on("message", (answer: WorkerAnswer) => {
      this.waiting.shift()?.resolve(answer);
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`the validators' compile worker exited with code ${code} before answering`)));
    // The request goes out before the names are checked (request.ts); the check's error, if
    // any, is the one reported, whatever the worker answers.
    const compiled = this.ask({ kind: "compile", request: standaloneRequest(model) });
    compiled.catch(() => undefined);
    const planned = import("./compile.js").then(({ planValidators }) => planValidators(model));
    this.planned = planned;
    this.compiled = (async () => {
      const plan = await planned;
      const answer = await compiled;
      if (answer.kind !== "compile") throw new Error(`the compile worker answered a ${answer.kind} request to a compile`);
      return (await import("./compile.js")).compiledFrom(plan, answer);
    })();
  }

  async check(checks: readonly ValueCheck[]): Promise<CheckProblems[]> {
    const answer = await this.ask({ kind: "check", checks });
    if (answer.kind !== "check") throw new Error(`the compile worker answered a ${answer.kind} request to a check`);
    return [...answer.problems];
  }

  private async ask(request: WorkerRequest): Promise<Exclude<WorkerAnswer, { ok: false }>> {
    if (this.closed) throw new Error(`the validators' compile worker was closed before a ${request.kind} request`);
    const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.ref();
      this.worker.postMessage(request);
    });
    if (!answer.ok) throw new Error(`ajv's ${request.kind} (in its worker thread) failed: ${answer.message}`);
    return answer;
  }

  /**
   * Ends the worker (it holds every compiled type): a process that runs codegen more than once
   * (tests, embedders) must not keep one per run. Later asks fail instead of compiling again.
   */
  close(): void {
    this.closed = true;
    this.failAll(new Error("the validators' compile worker was closed"));
    void this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

const sessions = new WeakMap<ProtocolModel, CompileSession>();

function sessionFor(model: ProtocolModel): CompileSession {
  let session = sessions.get(model);
  if (session === undefined) {
    session = new CompileSession(model);
    sessions.set(model, session);
  }
  return session;
}

/** Ends the model's compile worker, if it has one; see CompileSession.close. */
export function closeCompileWorker(model: ProtocolModel): void {
  sessions.get(model)?.close();
}

export async function compileValidatorsInWorker(model: ProtocolModel): Promise<CompiledValidators> {
  return sessionFor(model).compiled;
}

/** The checked plan of the compile compileValidatorsInWorker answers (starting it if nothing has yet). */
export async function planOfCompileInWorker(model: ProtocolModel): Promise<ValidatorsPlan> {
  return sessionFor(model).planned;
}

/**
 * Per value, ajv's errors (empty when valid), from the validators the worker compiled for
 * this model (the same as checkValuesInProcess's); starts that compile if nothing has yet.
 */
export async function checkValuesInWorker(model: ProtocolModel, checks: readonly ValueCheck[]): Promise<CheckProblems[]> {
  return sessionFor(model).check(checks);
}
