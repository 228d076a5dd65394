/**
 * `definitions` nested by namespace, the layout of upstream's bundles and of the normal-form
 * refs (`#/definitions/v2/QueuedTurn`). Shared by the bundle file and the validators emitter
 * (which compiles against the same layout), so a ref means the same in both.
 */
import type { JsonSchemaObject, NamedType } from "../../model/model.js";
import { InvalidNameError } from "../shared/name-error.js";
import { compareCodeUnits } from "../shared/order.js";

interface Folder {
  readonly types: Map<string, NamedType>;
  readonly folders: Map<string, Folder>;
}

/**
 * Every type's schema (as `schemaOf` gives it) under its namespace path, keys sorted at every
 * level. A namespace and a type of the same name side by side cannot share one key: that is an
 * error naming the type.
 */
export function nestDefinitions(
  types: readonly NamedType[],
  schemaOf: (type: NamedType) => JsonSchemaObject = (type) => type.schema,
): JsonSchemaObject {
  const root: Folder = { types: new Map(), folders: new Map() };
  for (const type of types) {
    let folder = root;
    for (const segment of type.namespace) {
      let child = folder.folders.get(segment);
      if (child === undefined) {
        child = { types: new Map(), folders: new Map() };
        folder.folders.set(segment, child);
      }
      folder = child;
    }
    folder.types.set(type.name, type);
  }
  return toObject(root, schemaOf);
}

function toObject(folder: Folder, schemaOf: (type: NamedType) => JsonSchemaObject): JsonSchemaObject {
  for (const [name, type] of folder.types) {
    if (folder.folders.has(name)) {
      throw new InvalidNameError(
        `type "${type.id}" (${type.source.file}): a namespace of the same name sits beside it, and both would be #/definitions/${type.id}; rename one of them`,
      );
    }
  }
  const keys = [...folder.types.keys(), ...folder.folders.keys()].sort(compareCodeUnits);
  const result: JsonSchemaObject = {};
  for (const key of keys) {
    const type = folder.types.get(key);
    const child = folder.folders.get(key);
    if (type !== undefined) result[key] = schemaOf(type);
    else if (child !== undefined) result[key] = toObject(child, schemaOf);
  }
  return result;
}
