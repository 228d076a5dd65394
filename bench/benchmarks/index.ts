/** Every benchmark, in the order `npm run bench` runs them and results.json lists them. */
import type { Benchmark } from "../lib/benchmark.js";
import { codegenCheck } from "./codegen-check.js";
import { codegenCorpus } from "./codegen-corpus.js";
import { dispatchLatency } from "./dispatch-latency.js";
import { listDeepPage } from "./list-deep-page.js";
import { memory } from "./memory.js";
import { pgAddDurable } from "./pg-add-durable.js";
import { queueAddDurable } from "./queue-add-durable.js";
import { queueAddSubscribed } from "./queue-add-subscribed.js";
import { scaleOutDispatch } from "./scale-out-dispatch.js";
import { validatorColdStart } from "./validator-cold-start.js";
import { validatorThroughput } from "./validator-throughput.js";

export const BENCHMARKS: readonly Benchmark[] = [codegenCorpus, codegenCheck, validatorThroughput, validatorColdStart, queueAddDurable, queueAddSubscribed, dispatchLatency, listDeepPage, memory, pgAddDurable, scaleOutDispatch];
