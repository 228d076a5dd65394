import type { Emitter } from "../model/model.js";
import { emitDocs } from "./docs/index.js";
import { emittersInOrder } from "./order.js";
import { defaultTypesEmitterOptions, type TypesEmitterOptions } from "./types/index.js";
import { emitValidators } from "./validators/index.js";

/**
 * Every emitter, in the order their files are listed. Each is one function from the
 * resolved model to files (see docs/DESIGN.md); `options` tune the types emitter.
 */
export function emittersWith(options: TypesEmitterOptions): readonly Emitter[] {
  return emittersInOrder<Emitter>(options, emitValidators, emitDocs);
}

export const allEmitters: readonly Emitter[] = emittersWith(defaultTypesEmitterOptions);
