import type { Emitter } from "../model/model.js";

/**
 * Every emitter, in the order their files are listed. Each is one function from the
 * resolved model to files (see docs/DESIGN.md). The emitters are wired in here as they land.
 */
export const allEmitters: readonly Emitter[] = [];

/** Writes a stub handler per client→server method, for `--scaffold DIR` (never overwrites). */
export const scaffoldEmitter: Emitter = () => [];
