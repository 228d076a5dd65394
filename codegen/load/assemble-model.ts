import type { MethodSpec, NamedType, ProtocolModel } from "../model/model.js";
import type { RegistryExtras } from "./registry-extras.js";

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The model in its canonical order: types by id, methods by (direction, kind, method). */
export function assembleModel(
  types: readonly NamedType[],
  methods: readonly MethodSpec[],
  sourceLabel: string,
  extras: RegistryExtras = {},
): ProtocolModel {
  return {
    types: [...types].sort((a, b) => compareStrings(a.id, b.id)),
    methods: [...methods].sort(
      (a, b) =>
        compareStrings(a.direction, b.direction) ||
        compareStrings(a.kind, b.kind) ||
        compareStrings(a.method, b.method),
    ),
    sourceLabel,
    ...extras,
  };
}
