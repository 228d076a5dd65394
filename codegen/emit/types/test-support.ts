/** Hand-built models for the types emitter's tests (no loader involved). */
import type { JsonSchemaObject, NamedType, ProtocolModel } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";

/** A named type as the loader would produce it from `schema/<id>.json`. */
export function namedType(id: string, schema: JsonSchemaObject): NamedType {
  const segments = id.split("/");
  const name = segments[segments.length - 1] ?? id;
  return { id, name, namespace: segments.slice(0, -1), schema, source: { file: `schema/${id}.json`, pointer: "" } };
}

/** A model of `types` (sorted by id, as the model contract requires) and no methods. */
export function modelOf(types: readonly NamedType[], sourceLabel = "schema"): ProtocolModel {
  return { types: [...types].sort((a, b) => compareCodeUnits(a.id, b.id)), methods: [], sourceLabel };
}

/** `{ "$ref": "#/definitions/<id>" }`, the model's normal form. */
export function ref(id: string): JsonSchemaObject {
  return { $ref: `#/definitions/${id}` };
}
