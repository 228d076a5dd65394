/** How the types emitter names a schema element in headers and error messages. */
import type { NamedType } from "../../model/model.js";

/** `schema/v2/QueuedTurn.json`, or `bundle.json#/definitions/v2/QueuedTurn` for a bundle. */
export function sourceOf(type: NamedType): string {
  return type.source.pointer === "" ? type.source.file : `${type.source.file}#${type.source.pointer}`;
}

/** `type "v2/QueuedTurn" (schema/v2/QueuedTurn.json)`, the subject of error messages. */
export function describeType(type: NamedType): string {
  return `type ${JSON.stringify(type.id)} (${sourceOf(type)})`;
}
