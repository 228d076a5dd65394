/**
 * The docs emitter: `docs/**`, a static reference site of the protocol — an index of methods,
 * a page per method and per type, the diagrams, client-side search — in plain HTML, CSS and a
 * little JavaScript that load nothing from the network, from `file://` or any static host.
 * See codegen/emit/docs/README.md.
 */
import type { Emitter } from "../../model/model.js";
import { checkValuesInProcess } from "../validators/compile.js";
import { loadGraphviz } from "./diagrams.js";
import { startSite } from "./site-files.js";

// emitDocs is synchronous; Graphviz can only be loaded asynchronously.
await loadGraphviz();

/** The site, its examples checked in-process by an ajv with the generated validators' options. */
export const emitDocs: Emitter = (model) => {
  const site = startSite(model);
  return site.finish(checkValuesInProcess(model, site.examples));
};
