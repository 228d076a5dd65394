import type { Emitter } from "../model/model.js";
import { emitBundle } from "./bundle/index.js";
import { emitClient } from "./client/index.js";
import { emitProtocol } from "./protocol/index.js";
import { emitRuntime } from "./runtime/index.js";
import { emitServer } from "./server/index.js";
import { emitHandlerStubs } from "./server/scaffold.js";
import { emitTypes } from "./types/index.js";
import { emitValidators } from "./validators/index.js";

/**
 * Every emitter, in the order their files are listed. Each is one function from the
 * resolved model to files (see docs/DESIGN.md).
 */
export const allEmitters: readonly Emitter[] = [
  emitTypes,
  emitValidators,
  emitProtocol,
  emitServer,
  emitClient,
  emitRuntime,
  emitBundle,
];

/** Writes a stub handler per client→server method, for `--scaffold DIR` (never overwrites). */
export const scaffoldEmitter: Emitter = emitHandlerStubs;
