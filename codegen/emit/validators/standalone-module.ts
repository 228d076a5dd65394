/**
 * validators/standalone.ts: ajv's precompiled JavaScript as a TypeScript module, so a client
 * project compiles it with plain `tsc` (no `allowJs`, nothing to copy by hand) and runs it
 * under plain node. The JavaScript is not type-checked (`@ts-nocheck`: it is ajv's output,
 * proven by ajv and by the tests, and no consumer's flags can be allowed to fail it); what
 * the rest of the tree sees is typed, because every export carries its type.
 */
import ts from "../shared/typescript.js";
import { headerLines, type HeaderOptions } from "../shared/header.js";
import { printFile } from "../shared/printer.js";
import { FORMATS_BINDING, type CompiledValidators } from "./compile.js";
import { namedImport } from "./factory.js";
import { RAW_FUNCTION_TYPE } from "./result-module.js";

const f = ts.factory;

export const STANDALONE_TS = "validators/standalone.ts";

/**
 * Why the module is not type-checked; `@ts-nocheck` must be among the comments before the
 * first statement, which is where the header puts it.
 */
const NOCHECK = [
  "// @ts-nocheck — ajv's standalone JavaScript, compiled at codegen time: it runs as it is,",
  `// and every export is typed (${RAW_FUNCTION_TYPE}).`,
];

/**
 * ajv's ESM output still loads its runtime helpers (`ucs2length`, `equal`, …) with
 * `require(...)`, which an ES module does not have; a `require` made by `createRequire`
 * resolves them from this file's location, so the module loads under plain node as well as
 * under bundlers and test runners.
 */
export function standaloneModule(compiled: CompiledValidators, header: HeaderOptions): string {
  // ESM is always strict; ajv's leading directive would sit after the imports, where it is
  // just an expression statement.
  const code = typedExports(compiled, compiled.source.replace(/^"use strict";/, ""));
  const prelude: ts.Statement[] = [];
  if (code.includes("require(")) prelude.push(namedImport(["createRequire"], "node:module"));
  if (new RegExp(`\\b${FORMATS_BINDING}\\b`).test(code)) prelude.push(importAs("formats", FORMATS_BINDING, "./formats.js"));
  if (compiled.exports.length > 0) prelude.push(namedImport([RAW_FUNCTION_TYPE], "./result.js", true));
  const requireShim: ts.Statement[] = code.includes("require(") ? [createRequireStatement()] : [];
  const head = printFile([...headerLines({ ...header, runtimeNeeds: true }), ...NOCHECK], [prelude, requireShim]);
  return `${head}\n${code}\n`;
}

/**
 * ajv writes each export as `export const <name> = <validate function>;`. Each gets the
 * type annotation, so declarations and importers see a typed function. The names are checked
 * identifiers (see names.ts) and the function names are ajv's own; each statement must be
 * found exactly once, or ajv's output is not what this code expects and codegen stops.
 * One pass over the code: it is megabytes for a large protocol.
 */
function typedExports(compiled: CompiledValidators, code: string): string {
  const expected = new Map(compiled.exports.map(({ exportName, functionName }) => [exportName, functionName]));
  const seen = new Map<string, number>();
  const typed = code.replace(/export const ([A-Za-z_$][\w$]*) = ([A-Za-z_$][\w$]*);/g, (statement, exportName: string, functionName: string) => {
    if (expected.get(exportName) !== functionName) return statement;
    seen.set(exportName, (seen.get(exportName) ?? 0) + 1);
    return `export const ${exportName}: ${RAW_FUNCTION_TYPE} = ${functionName};`;
  });
  for (const [exportName, functionName] of expected) {
    if (seen.get(exportName) !== 1) {
      throw new Error(`ajv's standalone output does not declare ${exportName} exactly once as expected ("export const ${exportName} = ${functionName};")`);
    }
  }
  return typed;
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
