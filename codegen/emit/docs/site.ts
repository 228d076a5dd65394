/**
 * What every page needs to know about the whole protocol: the types by id, who uses each type
 * (methods by role, types by reference) and how to link to a type from a given page.
 */
import type { ElementContent } from "hast";
import { h } from "hastscript";
import type { MethodSpec, NamedType, ProtocolModel, TypeId } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";
import { linkFrom, typePage } from "./paths.js";
import { referencedTypes, type TypeLinker } from "./schema-describe.js";

export interface MethodUse {
  readonly method: MethodSpec;
  readonly role: "params" | "result";
}

export interface SiteContext {
  readonly model: ProtocolModel;
  /** "codex-app-server/thread-queue 0.1.0", or the schema's label when the registry has no name. */
  readonly title: string;
  readonly typesById: ReadonlyMap<TypeId, NamedType>;
  /** Type id → methods naming it as params or result, in model order. */
  readonly methodUses: ReadonlyMap<TypeId, readonly MethodUse[]>;
  /** Type id → ids of the types whose schema refers to it, sorted. */
  readonly typeUses: ReadonlyMap<TypeId, readonly TypeId[]>;
  /** The type linker for a page at `page`. */
  linkerFor(page: string): TypeLinker;
}

export function buildSiteContext(model: ProtocolModel): SiteContext {
  const typesById = new Map(model.types.map((type) => [type.id, type]));
  const methodUses = new Map<TypeId, MethodUse[]>();
  for (const method of model.methods) {
    for (const role of ["params", "result"] as const) {
      const id = method[role];
      if (id === null) continue;
      const uses = methodUses.get(id) ?? [];
      uses.push({ method, role });
      methodUses.set(id, uses);
    }
  }
  const typeUses = new Map<TypeId, TypeId[]>();
  for (const type of model.types) {
    for (const id of referencedTypes(type.schema)) {
      if (id === type.id) continue;
      const users = typeUses.get(id) ?? [];
      users.push(type.id);
      typeUses.set(id, users);
    }
  }
  for (const users of typeUses.values()) users.sort(compareCodeUnits);
  const title = model.info ? `${model.info.name} ${model.info.version}` : `${model.sourceLabel}`;
  return {
    model,
    title,
    typesById,
    methodUses,
    typeUses,
    linkerFor: (page) => (id) => typeLink(page, id, typesById.has(id)),
  };
}

function typeLink(page: string, id: TypeId, exists: boolean): ElementContent {
  const name = id.slice(id.lastIndexOf("/") + 1);
  if (!exists) return h("code", name);
  return h("a", { href: linkFrom(page, typePage(id)), title: id }, [h("code", name)]);
}
