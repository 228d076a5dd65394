/** One generated file per named type: `export type <Name> = …` plus the imports it needs. */
import ts from "../shared/typescript.js";
import { typeIdFromRef } from "../../model/model.js";
import type { GeneratedFile, NamedType, TypeId } from "../../model/model.js";
import { headerLines } from "../shared/header.js";
import { assertDeclarationName } from "../shared/identifiers.js";
import { printFile } from "../shared/printer.js";
import { namespaceDir, planTypeImports, typeFilePath, typeImportDeclarations } from "../shared/type-imports.js";
import { withDoc } from "../shared/tsdoc.js";
import { docLines } from "./docs.js";
import { schemaToTypeNode } from "./schema-to-type.js";
import { describeType, sourceOf } from "./source.js";

const f = ts.factory;

export function emitTypeFile(type: NamedType, typesById: ReadonlyMap<TypeId, NamedType>): GeneratedFile {
  assertDeclarationName(type.name, describeType(type));
  for (const segment of type.namespace) assertDeclarationName(segment, `${describeType(type)}, namespace`);

  const lookup = (ref: string): NamedType => {
    const id = typeIdFromRef(ref);
    const target = id === undefined ? undefined : typesById.get(id);
    if (target === undefined) {
      throw new Error(`${describeType(type)}: $ref ${JSON.stringify(ref)} does not name a type in the model`);
    }
    return target;
  };

  // First pass only learns which types are referenced, so imports (and their aliases) can be
  // planned before the real type node is built with the final local names.
  const referenced = new Map<TypeId, NamedType>();
  schemaToTypeNode(type.schema, (ref) => {
    const target = lookup(ref);
    if (target.id !== type.id) referenced.set(target.id, target);
    return target.name;
  });
  const imports = planTypeImports(namespaceDir(type.namespace), [...referenced.values()], new Set([type.name]));
  const localNames = new Map(imports.map((entry) => [entry.id, entry.localName]));
  localNames.set(type.id, type.name);

  const body = schemaToTypeNode(type.schema, (ref) => localNames.get(lookup(ref).id) ?? type.name);
  const alias = withDoc(
    f.createTypeAliasDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], type.name, undefined, body),
    docLines(type.schema),
  );
  return {
    path: typeFilePath(type),
    contents: printFile(headerLines({ source: sourceOf(type) }), [typeImportDeclarations(imports), [alias]]),
  };
}
