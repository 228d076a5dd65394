/**
 * The emitters in the order their files are listed, with the two that can run in a worker
 * thread given by the caller: the in-process ones (emit/index.ts) or the CLI's deferred ones.
 * Imports neither of those, so the CLI does not load the docs site's modules on its main
 * thread.
 */
import type { DeferredEmitter, Emitter } from "../model/model.js";
import { emitBundle } from "./bundle/index.js";
import { emitClient } from "./client/index.js";
import { emitProtocol } from "./protocol/index.js";
import { emitRuntime } from "./runtime/index.js";
import { emitServer } from "./server/index.js";
import { typesEmitter, type TypesEmitterOptions } from "./types/index.js";

export function emittersInOrder<E extends Emitter | DeferredEmitter>(options: TypesEmitterOptions, validators: E, docs: E): (Emitter | E)[] {
  return [typesEmitter(options), validators, emitProtocol, emitServer, emitClient, emitRuntime, emitBundle, docs];
}
