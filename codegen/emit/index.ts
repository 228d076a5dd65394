import type { Emitter } from "../model/model.js";
import { emitBundle } from "./bundle/index.js";
import { emitClient } from "./client/index.js";
import { emitDocs } from "./docs/index.js";
import { emitProtocol } from "./protocol/index.js";
import { emitRuntime } from "./runtime/index.js";
import { emitServer } from "./server/index.js";
import { handlerStubsEmitterFor } from "./server/scaffold.js";
import { defaultTypesEmitterOptions, typesEmitter, type TypesEmitterOptions } from "./types/index.js";
import { emitValidators } from "./validators/index.js";

/**
 * Every emitter, in the order their files are listed. Each is one function from the
 * resolved model to files (see docs/DESIGN.md); `options` tune the types emitter.
 */
export function emittersWith(options: TypesEmitterOptions): readonly Emitter[] {
  return [typesEmitter(options), emitValidators, emitProtocol, emitServer, emitClient, emitRuntime, emitBundle, emitDocs];
}

export const allEmitters: readonly Emitter[] = emittersWith(defaultTypesEmitterOptions);

/**
 * The stub handlers for `--scaffold DIR` (one per client→server method, never overwriting),
 * importing the generated server from `outDir` by its path relative to `scaffoldDir`.
 */
export const scaffoldEmitterFor: (scaffoldDir: string, outDir: string) => Emitter = handlerStubsEmitterFor;
