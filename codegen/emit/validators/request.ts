/**
 * What ajv's standalone compile is asked for, built without checking any name: the CLI posts
 * it to the compile worker first and checks the names (planValidators, which needs TypeScript's
 * identifier rules) while the worker compiles. A name that fails the check stops the run with
 * the same error as in-process; the worker's output is then never used.
 */
import type { NamedType, ProtocolModel } from "../../model/model.js";
import type { StandaloneRequest } from "./ajv-compile.js";
import { usedFormats } from "./used-formats.js";

/**
 * The name of a type's function in standalone.js: the namespace segments, then the name, each
 * followed or joined by "$" ("v2$QueuedTurn", "$InitializeParams"). Every such name contains a
 * "$", which ajv's own names (validate12, schema3, …) never do, so the module-scope constants
 * cannot collide with them; and a name stays the same when other types come and go, unlike a
 * running number.
 */
export function standaloneExportName(type: NamedType): string {
  return `${type.namespace.join("$")}$${type.name}`;
}

export function standaloneRequest(model: ProtocolModel): StandaloneRequest {
  return {
    types: model.types,
    exports: model.types.map((type, typeIndex) => ({ exportName: standaloneExportName(type), typeIndex })),
    formats: usedFormats(model.types).map((use) => use.format),
  };
}
