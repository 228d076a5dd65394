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
  /** True when the type is the params or result itself, false when it is reached through them. */
  readonly direct: boolean;
}

export interface SiteContext {
  readonly model: ProtocolModel;
  /** "codex-app-server/thread-queue 0.1.0", or the schema's label when the registry has no name. */
  readonly title: string;
  readonly typesById: ReadonlyMap<TypeId, NamedType>;
  /** Type id → methods whose params or result is or contains it (at any depth), in model order. */
  readonly methodUses: ReadonlyMap<TypeId, readonly MethodUse[]>;
  /** Type id → ids of the types whose schema refers to it, sorted. */
  readonly typeUses: ReadonlyMap<TypeId, readonly TypeId[]>;
  /** The type linker for a page at `page`. */
  linkerFor(page: string): TypeLinker;
}

export function buildSiteContext(model: ProtocolModel): SiteContext {
  const typesById = new Map(model.types.map((type) => [type.id, type]));
  const references = new Map(model.types.map((type) => [type.id, [...referencedTypes(type.schema)]]));
  const methodUses = new Map<TypeId, MethodUse[]>();
  for (const method of model.methods) {
    for (const role of ["params", "result"] as const) {
      const id = method[role];
      if (id === null) continue;
      for (const reached of reachableFrom(id, references)) {
        const uses = methodUses.get(reached) ?? [];
        uses.push({ method, role, direct: reached === id });
        methodUses.set(reached, uses);
      }
    }
  }
  const typeUses = new Map<TypeId, TypeId[]>();
  for (const [id, targets] of references) {
    for (const target of targets) {
      if (target === id) continue;
      const users = typeUses.get(target) ?? [];
      users.push(id);
      typeUses.set(target, users);
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

/** The type and every type its schema reaches through references, each once (cycles allowed). */
function reachableFrom(start: TypeId, references: ReadonlyMap<TypeId, readonly TypeId[]>): TypeId[] {
  const seen = new Set<TypeId>([start]);
  const pending = [start];
  while (pending.length > 0) {
    const id = pending.pop() as TypeId;
    for (const next of references.get(id) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(next);
    }
  }
  return [...seen];
}
