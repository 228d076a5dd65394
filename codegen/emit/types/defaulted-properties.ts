/**
 * Whether a property that is not `required` but has a `default` (and does not admit `null`)
 * is required in a type.
 *
 * A serde sender always writes such a field (the receiver fills the default in only when it
 * is absent), so ts-rs makes it required, and so do we by default (`defaultedParams:
 * "required"`): exact for everything the server writes, and what Codex's own client types ask
 * of a client too.
 * `defaultedParams: "optional"` relaxes it for what clients write: in every type reached from
 * client→server params or server→client request results, such properties stay optional, as
 * the schema's `required` says. Sound both ways: the server fills the default in when a client
 * omits it, and a reader of a shared type (a queued turn's `turnStartParams`) only has to
 * handle a field that is in fact always there.
 */
import type { MethodSpec, ProtocolModel, TypeId } from "../../model/model.js";
import { typesReachableFrom } from "../../model/reach.js";

export type DefaultedParams = "required" | "optional";

export const defaultedParamsModes: readonly DefaultedParams[] = ["required", "optional"];

/** The ids of types whose defaulted properties stay optional under `mode`. */
export function typesWithOptionalDefaults(model: ProtocolModel, mode: DefaultedParams): ReadonlySet<TypeId> {
  return mode === "required" ? new Set() : typesReachableFrom(model, model.methods.flatMap(clientWrittenRoots));
}

function clientWrittenRoots(method: MethodSpec): (TypeId | null)[] {
  if (method.direction === "clientToServer") return [method.params];
  return method.kind === "request" ? [method.result] : [];
}
