/**
 * Where each named type's module lives in the output, and how another generated file imports
 * it. Any emitter that refers to generated types (types, validators, protocol, server, client)
 * uses this so import paths and collision aliases are the same everywhere.
 */
import { posix } from "node:path";
import ts from "./typescript.js";
import type { NamedType, TypeId } from "../../model/model.js";
import { compareCodeUnits } from "./order.js";

/** The folder, relative to the output directory, that holds the generated types. */
export const TYPES_DIR = "types";

/** `types/v2/QueuedTurn.ts` for `v2/QueuedTurn`. */
export function typeFilePath(type: Pick<NamedType, "namespace" | "name">): string {
  return posix.join(namespaceDir(type.namespace), `${type.name}.ts`);
}

/** `types/v2` for `["v2"]`, `types` for the root namespace. */
export function namespaceDir(namespace: readonly string[]): string {
  return posix.join(TYPES_DIR, ...namespace);
}

/** The ESM specifier for `toFile` (a `.ts` output path) as written in a file in `fromDir`. */
export function moduleSpecifier(fromDir: string, toFile: string): string {
  // Remembered: posix.relative resolves both paths against the working directory, and a large
  // protocol asks for the same few thousand pairs tens of thousands of times.
  const key = `${fromDir}\n${toFile}`;
  let specifier = specifiers.get(key);
  if (specifier === undefined) {
    const relative = posix.relative(fromDir, toFile).replace(/\.ts$/, ".js");
    specifier = relative.startsWith("../") ? relative : `./${relative}`;
    specifiers.set(key, specifier);
  }
  return specifier;
}

const specifiers = new Map<string, string>();

/**
 * moduleSpecifier for a type's module, remembered per folder and type id (the same id strings
 * every time, so no path is built or hashed again): planTypeImports asks for every referenced
 * type of every generated file.
 */
function typeModuleSpecifier(fromDir: string, type: NamedType): string {
  let byType = typeSpecifiers.get(fromDir);
  if (byType === undefined) {
    byType = new Map();
    typeSpecifiers.set(fromDir, byType);
  }
  let specifier = byType.get(type.id);
  if (specifier === undefined) {
    specifier = moduleSpecifier(fromDir, typeFilePath(type));
    byType.set(type.id, specifier);
  }
  return specifier;
}

const typeSpecifiers = new Map<string, Map<TypeId, string>>();

export interface TypeImport {
  readonly id: TypeId;
  /** The exported name in the type's module. */
  readonly name: string;
  /** The name used in the importing file: `name`, or an alias such as `v2_RequestId`. */
  readonly localName: string;
  readonly specifier: string;
}

/**
 * Plans `import type` bindings for `types` in a file in `fromDir`, sorted by specifier.
 * A type keeps its own name unless another imported type has the same name, or the name is in
 * `taken` (e.g. the importing file's own type); then it is imported as `<ns>_<Name>`, with
 * `root` for the root namespace (`v2_RequestId`, `root_RequestId`). Aliases are local only.
 */
export function planTypeImports(
  fromDir: string,
  types: readonly NamedType[],
  taken: ReadonlySet<string> = new Set(),
): TypeImport[] {
  const unique = [...new Map(types.map((type) => [type.id, type])).values()];
  const nameCounts = new Map<string, number>();
  for (const type of unique) nameCounts.set(type.name, (nameCounts.get(type.name) ?? 0) + 1);

  const plan = unique
    .map((type) => {
      const clashes = (nameCounts.get(type.name) ?? 0) > 1 || taken.has(type.name);
      const prefix = type.namespace.length > 0 ? type.namespace.join("_") : "root";
      return {
        id: type.id,
        name: type.name,
        localName: clashes ? `${prefix}_${type.name}` : type.name,
        specifier: typeModuleSpecifier(fromDir, type),
      };
    })
    .sort((a, b) => compareCodeUnits(a.specifier, b.specifier));

  const seen = new Set(taken);
  for (const entry of plan) {
    if (seen.has(entry.localName)) {
      throw new Error(
        `cannot import type "${entry.id}" into ${fromDir}: the local name ${JSON.stringify(entry.localName)} is already used; rename one of the types in the schema`,
      );
    }
    seen.add(entry.localName);
  }
  return plan;
}

/** `import type { A } from "./A.js";` (or `{ A as v2_A }`), one declaration per planned import. */
export function typeImportDeclarations(imports: readonly TypeImport[]): ts.ImportDeclaration[] {
  const f = ts.factory;
  return imports.map((entry) =>
    f.createImportDeclaration(
      undefined,
      f.createImportClause(
        ts.SyntaxKind.TypeKeyword,
        undefined,
        f.createNamedImports([
          f.createImportSpecifier(
            false,
            entry.localName === entry.name ? undefined : f.createIdentifier(entry.name),
            f.createIdentifier(entry.localName),
          ),
        ]),
      ),
      f.createStringLiteral(entry.specifier),
    ),
  );
}
