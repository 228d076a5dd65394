/**
 * Which of our types stands for each reference type: the one with the same namespace and
 * name, else the only one with that name in any namespace (ts-rs puts server-request params
 * in `v2/`, the bundle at its root; ts-rs puts `JsonValue` in `serde_json/`).
 */
import { compareCodeUnits } from "../emit/shared/order.js";
import type { TypeSourceFile } from "./reference.js";

/** A type declared by one file: `v2/Thread` from `v2/Thread.ts`. */
export interface DeclaredType {
  readonly id: string;
  readonly name: string;
  readonly path: string;
}

export interface TypePair {
  readonly reference: DeclaredType;
  /** Undefined when we emit no type of that name. */
  readonly ours: DeclaredType | undefined;
}

/** One declared type per `<Name>.ts` file; `index.ts` files only re-export. */
export function declaredTypes(files: readonly TypeSourceFile[], prefix = ""): DeclaredType[] {
  return files
    .filter((file) => file.path.startsWith(prefix) && !/(^|\/)index\.ts$/.test(file.path))
    .map((file) => {
      const id = file.path.slice(prefix.length).replace(/\.ts$/, "");
      return { id, name: id.slice(id.lastIndexOf("/") + 1), path: file.path };
    })
    .sort((a, b) => compareCodeUnits(a.id, b.id));
}

/**
 * Same id first; else the only type of ours with that name that has no same-id partner of its
 * own; else the only type of ours with that name at all (ts-rs writes some types into two
 * namespaces where the bundle defines one: both are compared with it).
 */
export function pairTypes(reference: readonly DeclaredType[], ours: readonly DeclaredType[]): TypePair[] {
  const referenceIds = new Set(reference.map((type) => type.id));
  const oursById = new Map(ours.map((type) => [type.id, type]));
  const byName = (types: readonly DeclaredType[]): Map<string, DeclaredType[]> => {
    const map = new Map<string, DeclaredType[]>();
    for (const type of types) map.set(type.name, [...(map.get(type.name) ?? []), type]);
    return map;
  };
  const unclaimedByName = byName(ours.filter((type) => !referenceIds.has(type.id)));
  const anyByName = byName(ours);
  const only = (types: readonly DeclaredType[] | undefined) => (types?.length === 1 ? types[0] : undefined);
  return reference.map((type) => ({
    reference: type,
    ours: oursById.get(type.id) ?? only(unclaimedByName.get(type.name)) ?? only(anyByName.get(type.name)),
  }));
}
