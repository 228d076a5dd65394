/**
 * validators/standalone.js (ajv's precompiled code, made loadable as an ES module) and
 * validators/standalone.d.ts (one typed export per type).
 */
import ts from "../shared/typescript.js";
import { headerLines } from "../shared/header.js";
import { printFile } from "../shared/printer.js";
import { FORMATS_BINDING, type CompiledValidators } from "./compile.js";
import { declareConst, namedImport } from "./factory.js";

const f = ts.factory;

export const STANDALONE_JS = "validators/standalone.js";
export const STANDALONE_DTS = "validators/standalone.d.ts";

/** The interface standalone.d.ts declares for every export. */
export const STANDALONE_FUNCTION_TYPE = "StandaloneValidateFunction";
/** The raw error type standalone.d.ts takes from result.ts. */
export const RAW_ERROR_TYPE = "RawValidationError";

/**
 * ajv's ESM output still loads its runtime helpers (`ucs2length`, `equal`, …) with
 * `require(...)`, which an ES module does not have; a `require` made by `createRequire`
 * resolves them from this file's location, so the module loads under plain node as well as
 * under bundlers and test runners.
 */
export function standaloneModule(compiled: CompiledValidators, source: string): string {
  // ESM is always strict; ajv's leading directive would sit after the imports, where it is
  // just an expression statement.
  const code = compiled.source.replace(/^"use strict";/, "");
  const prelude: ts.Statement[] = [];
  if (code.includes("require(")) {
    prelude.push(namedImport(["createRequire"], "node:module"));
  }
  if (new RegExp(`\\b${FORMATS_BINDING}\\b`).test(code)) {
    prelude.push(importAs("formats", FORMATS_BINDING, "./formats.js"));
  }
  const requireShim: ts.Statement[] = code.includes("require(") ? [createRequireStatement()] : [];
  const head = printFile(headerLines({ source }), [prelude, requireShim]);
  return `${head}\n${code}\n`;
}

export function standaloneDeclarations(compiled: CompiledValidators, source: string): string {
  const functionType = f.createInterfaceDeclaration(
    [f.createModifier(ts.SyntaxKind.ExportKeyword)],
    STANDALONE_FUNCTION_TYPE,
    undefined,
    undefined,
    [
      f.createCallSignature(
        undefined,
        [f.createParameterDeclaration(undefined, undefined, "data", undefined, f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword))],
        f.createKeywordTypeNode(ts.SyntaxKind.BooleanKeyword),
      ),
      f.createPropertySignature(
        undefined,
        "errors",
        f.createToken(ts.SyntaxKind.QuestionToken),
        f.createUnionTypeNode([
          f.createArrayTypeNode(f.createTypeReferenceNode(RAW_ERROR_TYPE)),
          f.createLiteralTypeNode(f.createNull()),
        ]),
      ),
    ],
  );
  const exports = compiled.exports.map(({ exportName }) =>
    declareConst(exportName, f.createTypeReferenceNode(STANDALONE_FUNCTION_TYPE)),
  );
  return printFile(headerLines({ source }), [[namedImport([RAW_ERROR_TYPE], "./result.js", true)], [functionType], exports]);
}

function importAs(name: string, local: string, specifier: string): ts.ImportDeclaration {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(
      false,
      undefined,
      f.createNamedImports([f.createImportSpecifier(false, f.createIdentifier(name), f.createIdentifier(local))]),
    ),
    f.createStringLiteral(specifier),
  );
}

function createRequireStatement(): ts.Statement {
  const importMetaUrl = f.createPropertyAccessExpression(f.createMetaProperty(ts.SyntaxKind.ImportKeyword, f.createIdentifier("meta")), "url");
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList(
      [f.createVariableDeclaration("require", undefined, undefined, f.createCallExpression(f.createIdentifier("createRequire"), undefined, [importMetaUrl]))],
      ts.NodeFlags.Const,
    ),
  );
}
