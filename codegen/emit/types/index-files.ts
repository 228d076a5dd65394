/**
 * One `index.ts` per namespace folder: `export type { X } from "./X.js";` for its types and
 * `export * as v2 from "./v2/index.js";` for each child namespace — upstream ts-rs's shape.
 */
import ts from "../shared/typescript.js";
import type { GeneratedFile, NamedType } from "../../model/model.js";
import { headerLines } from "../shared/header.js";
import { assertDeclarationName } from "../shared/identifiers.js";
import { compareCodeUnits } from "../shared/order.js";
import { printFile } from "../shared/printer.js";
import { moduleSpecifier, namespaceDir, typeFilePath } from "../shared/type-imports.js";

const f = ts.factory;

export function emitIndexFiles(types: readonly NamedType[], sourceLabel: string, command?: string | undefined): GeneratedFile[] {
  const namespaces = collectNamespaces(types);
  return [...namespaces.entries()].map(([key, namespace]) => {
    const dir = namespaceDir(namespace);
    const own = types
      .filter((type) => namespaceKey(type.namespace) === key)
      .sort((a, b) => compareCodeUnits(a.name, b.name));
    const children = [...namespaces.values()]
      .filter((child) => child.length === namespace.length + 1 && namespaceKey(child.slice(0, -1)) === key)
      .map((child) => child[child.length - 1] as string)
      .sort(compareCodeUnits);

    const ownNames = new Set(own.map((type) => type.name));
    for (const child of children) {
      assertDeclarationName(child, `namespace ${JSON.stringify([...namespace, child].join("/"))} (${sourceLabel})`);
      if (ownNames.has(child)) {
        throw new Error(
          `namespace ${JSON.stringify([...namespace, child].join("/"))} (${sourceLabel}): a type in ${dir} has the same name, and both would be exported from ${dir}/index.ts`,
        );
      }
    }

    const typeExports = own.map((type) =>
      f.createExportDeclaration(
        undefined,
        true,
        f.createNamedExports([f.createExportSpecifier(false, undefined, type.name)]),
        f.createStringLiteral(moduleSpecifier(dir, typeFilePath(type))),
      ),
    );
    const childExports = children.map((child) =>
      f.createExportDeclaration(
        undefined,
        false,
        f.createNamespaceExport(f.createIdentifier(child)),
        f.createStringLiteral(`./${child}/index.js`),
      ),
    );
    // A file with no import or export would not be a module; keep an empty namespace valid.
    const empty = typeExports.length + childExports.length === 0
      ? [f.createExportDeclaration(undefined, false, f.createNamedExports([]))]
      : [];
    return {
      path: `${dir}/index.ts`,
      contents: printFile(headerLines({ source: sourceLabel, command }), [typeExports, childExports, empty]),
    };
  });
}

/** Every namespace that needs a folder: each type's namespace, all its ancestors, and the root. */
function collectNamespaces(types: readonly NamedType[]): Map<string, readonly string[]> {
  const namespaces = new Map<string, readonly string[]>([["", []]]);
  for (const type of types) {
    for (let depth = 1; depth <= type.namespace.length; depth++) {
      const namespace = type.namespace.slice(0, depth);
      namespaces.set(namespaceKey(namespace), namespace);
    }
  }
  return namespaces;
}

function namespaceKey(namespace: readonly string[]): string {
  return namespace.join("/");
}
