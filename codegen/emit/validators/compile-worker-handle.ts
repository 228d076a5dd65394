/**
 * The worker thread that compiles the validators (compile-worker.ts); see
 * ../shared/worker-thread.ts. Imports nothing heavy, so the CLI can import it first.
 */
import type { Worker } from "node:worker_threads";
import { WorkerSlot } from "../shared/worker-thread.js";

const slot = new WorkerSlot(import.meta.url, "./compile-worker");

/** Starts the worker now, for the next compileValidatorsInWorker to use. */
export function prestartCompileWorker(): void {
  slot.prestart();
}

/** The pre-started worker, or a new one. */
export function takeCompileWorker(): Worker {
  return slot.take();
}
