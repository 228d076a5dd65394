/** Which named types a schema refers to, and which types a set of roots reaches through `$ref`s. */
import type { ProtocolModel, TypeId } from "./model.js";
import { typeIdFromRef } from "./model.js";

/** Every type id a normal-form `$ref` in `value` names, in document order (repeats kept). */
export function referencedTypeIds(value: unknown, into: TypeId[] = []): TypeId[] {
  if (Array.isArray(value)) {
    for (const item of value) referencedTypeIds(item, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") {
        const id = typeIdFromRef(item);
        if (id !== undefined) into.push(id);
      } else {
        referencedTypeIds(item, into);
      }
    }
  }
  return into;
}

/** The types `roots` reach through `$ref`s, the roots themselves included (nulls ignored). */
export function typesReachableFrom(model: ProtocolModel, roots: readonly (TypeId | null)[]): Set<TypeId> {
  const byId = new Map(model.types.map((type) => [type.id, type]));
  const stack = roots.filter((id): id is TypeId => id !== null);
  const seen = new Set<TypeId>();
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    referencedTypeIds(byId.get(id)?.schema, stack);
  }
  return seen;
}
