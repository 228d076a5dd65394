/**
 * The docs emitter's worker thread (docs-worker.ts); see ../shared/worker-thread.ts. Imports
 * nothing heavy, so the CLI can start it before loading the schema.
 */
import type { Worker } from "node:worker_threads";
import { WorkerSlot } from "../shared/worker-thread.js";

const slot = new WorkerSlot(import.meta.url, "./docs-worker");

/** Starts the worker now (its modules load while the schema does), for the next emitDocsInWorker. */
export function prestartDocsWorker(): void {
  slot.prestart();
}

/** The pre-started worker, or a new one. */
export function takeDocsWorker(): Worker {
  return slot.take();
}
