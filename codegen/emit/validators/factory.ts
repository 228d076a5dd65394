/** Small factory shorthands the validators emitter's modules share. */
import ts from "../shared/typescript.js";

const f = ts.factory;

/** `import { a, b } from "x";` (`typeOnly` for `import type`); names are checked by the caller. */
export function namedImport(names: readonly string[], specifier: string, typeOnly = false): ts.ImportDeclaration {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(
      typeOnly,
      undefined,
      f.createNamedImports(names.map((name) => f.createImportSpecifier(false, undefined, f.createIdentifier(name)))),
    ),
    f.createStringLiteral(specifier),
  );
}

/** `import * as name from "x";` */
export function namespaceImport(name: string, specifier: string): ts.ImportDeclaration {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(name))),
    f.createStringLiteral(specifier),
  );
}

/** `export * as name from "x";` */
export function namespaceReexport(name: string, specifier: string): ts.ExportDeclaration {
  return f.createExportDeclaration(undefined, false, f.createNamespaceExport(f.createIdentifier(name)), f.createStringLiteral(specifier));
}

/** `export { a, b };` or `export type { a } from "x";` */
export function namedExport(names: readonly string[], specifier?: string, typeOnly = false): ts.ExportDeclaration {
  return f.createExportDeclaration(
    undefined,
    typeOnly,
    f.createNamedExports(names.map((name) => f.createExportSpecifier(false, undefined, name))),
    specifier === undefined ? undefined : f.createStringLiteral(specifier),
  );
}

export function exportConst(name: string, initializer: ts.Expression, type?: ts.TypeNode): ts.VariableStatement {
  return f.createVariableStatement(
    [f.createModifier(ts.SyntaxKind.ExportKeyword)],
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, type, initializer)], ts.NodeFlags.Const),
  );
}

export function declareConst(name: string, type: ts.TypeNode): ts.VariableStatement {
  return f.createVariableStatement(
    [f.createModifier(ts.SyntaxKind.ExportKeyword), f.createModifier(ts.SyntaxKind.DeclareKeyword)],
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, type)], ts.NodeFlags.Const),
  );
}

/** A parameter `value: unknown`, the argument of every generated check. */
export function unknownValueParameter(): ts.ParameterDeclaration {
  return f.createParameterDeclaration(undefined, undefined, "value", undefined, f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword));
}

/** `export function name(value: unknown): returnType { return result; }` */
export function exportCheckFunction(name: string, returnType: ts.TypeNode, result: ts.Expression): ts.FunctionDeclaration {
  return f.createFunctionDeclaration(
    [f.createModifier(ts.SyntaxKind.ExportKeyword)],
    undefined,
    name,
    undefined,
    [unknownValueParameter()],
    returnType,
    f.createBlock([f.createReturnStatement(result)], true),
  );
}
