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
import { JSON_VALUE_REF } from "./json-value.js";
import { schemaToTypeNode, type RefResolver, type TypeContext } from "./schema-to-type.js";
import { describeType, sourceOf } from "./source.js";

const f = ts.factory;

export interface TypeFileOptions {
  readonly defaultedPropertiesRequired: boolean;
  /** The built-in `JsonValue` type, which `JSON_VALUE_REF` names. */
  readonly jsonValue: NamedType;
  /** The header's regenerate command (the model's). */
  readonly command?: string | undefined;
}

export interface EmittedTypeFile {
  readonly file: GeneratedFile;
  /** Whether the file refers to the built-in `JsonValue` type. */
  readonly usesJsonValue: boolean;
}

export function emitTypeFile(
  type: NamedType,
  typesById: ReadonlyMap<TypeId, NamedType>,
  options: TypeFileOptions,
): EmittedTypeFile {
  assertDeclarationName(type.name, describeType(type));
  for (const segment of type.namespace) assertDeclarationName(segment, `${describeType(type)}, namespace`);

  const lookup = (ref: string): NamedType => {
    if (ref === JSON_VALUE_REF) return options.jsonValue;
    const id = typeIdFromRef(ref);
    const target = id === undefined ? undefined : typesById.get(id);
    if (target === undefined) {
      throw new Error(`${describeType(type)}: $ref ${JSON.stringify(ref)} does not name a type in the model`);
    }
    return target;
  };
  const contextWith = (resolve: RefResolver, localNames: ReadonlySet<string>): TypeContext => ({
    resolve,
    jsonValueRef: JSON_VALUE_REF,
    defaultedPropertiesRequired: options.defaultedPropertiesRequired,
    localNames,
  });

  // First pass only learns which types are referenced, so imports (and their aliases) can be
  // planned before the real type node is built with the final local names.
  const referenced = new Map<TypeId, NamedType>();
  let usesJsonValue = false;
  const collect: RefResolver = (ref) => {
    usesJsonValue ||= ref === JSON_VALUE_REF;
    const target = lookup(ref);
    if (target.id !== type.id) referenced.set(target.id, target);
    return target.name;
  };
  schemaToTypeNode(type.schema, contextWith(collect, new Set()));
  const imports = planTypeImports(namespaceDir(type.namespace), [...referenced.values()], new Set([type.name]));
  const localNames = new Map(imports.map((entry) => [entry.id, entry.localName]));
  localNames.set(type.id, type.name);

  const resolve: RefResolver = (ref) => localNames.get(lookup(ref).id) ?? type.name;
  const body = schemaToTypeNode(type.schema, contextWith(resolve, new Set(localNames.values())));
  const alias = withDoc(
    f.createTypeAliasDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], type.name, undefined, body),
    docLines(type.schema, resolve),
  );
  return {
    file: {
      path: typeFilePath(type),
      contents: printFile(headerLines({ source: sourceOf(type), command: options.command }), [typeImportDeclarations(imports), [alias]]),
    },
    usesJsonValue,
  };
}
