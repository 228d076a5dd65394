/**
 * validators/<ns…>/index.ts: `is<Name>` and `validate<Name>` for every type of a namespace,
 * each a thin wrapper over the type's function in standalone.ts, plus the namespace's child
 * namespaces; the root index adds the result types, `formatIssues` and `validatorsById`.
 */
import { posix } from "node:path";
import ts from "../shared/typescript.js";
import type { NamedType } from "../../model/model.js";
import { headerLines, type HeaderOptions } from "../shared/header.js";
import { compareCodeUnits } from "../shared/order.js";
import { printFile } from "../shared/printer.js";
import { namespaceDir } from "../shared/type-imports.js";
import type { PlannedExport } from "./compile.js";
import {
  exportCheckFunction,
  exportConst,
  namedExport,
  namedImport,
  namespaceImport,
  namespaceReexport,
  unknownValueParameter,
} from "./factory.js";
import { isFunctionName, ModuleNames, validateFunctionName } from "./names.js";
import { RESULT_TS } from "./result-module.js";
import { STANDALONE_TS } from "./standalone-module.js";

const f = ts.factory;

const VALIDATORS_DIR = "validators";
const RESULT_TYPE = "ValidationResult";
const ISSUE_TYPE = "ValidationIssue";
const VALID = "VALID";
const INVALID = "invalid";
const FORMAT_ISSUES = "formatIssues";
const BY_ID = "validatorsById";

interface Namespace {
  readonly path: readonly string[];
  readonly types: PlannedExport[];
  readonly children: Set<string>;
}

export interface NamespaceModule {
  readonly path: string;
  readonly contents: string;
}

/** The modules need only the export names, not ajv's output: they can be printed while it compiles. */
export function namespaceModules(exports: readonly PlannedExport[], source: HeaderOptions): NamespaceModule[] {
  const namespaces = collectNamespaces(exports);
  return [...namespaces.values()].map((namespace) => {
    const dir = posix.join(VALIDATORS_DIR, ...namespace.path);
    const isRoot = namespace.path.length === 0;
    const children = [...namespace.children].sort(compareCodeUnits);
    return {
      path: posix.join(dir, "index.ts"),
      contents: namespaceModule(namespace, children, isRoot ? exports.map((entry) => entry.type) : undefined, dir, source),
    };
  });
}

/** Every namespace that holds a type or a descendant namespace; the root always exists. */
function collectNamespaces(exports: readonly PlannedExport[]): Map<string, Namespace> {
  const namespaces = new Map<string, Namespace>();
  const ensure = (path: readonly string[]): Namespace => {
    const key = path.join("/");
    let namespace = namespaces.get(key);
    if (namespace === undefined) {
      namespace = { path, types: [], children: new Set() };
      namespaces.set(key, namespace);
      if (path.length > 0) ensure(path.slice(0, -1)).children.add(path[path.length - 1] ?? "");
    }
    return namespace;
  };
  ensure([]);
  for (const entry of exports) ensure(entry.type.namespace).types.push(entry);
  return new Map([...namespaces].sort(([a], [b]) => compareCodeUnits(a, b)));
}

function namespaceModule(
  namespace: Namespace,
  children: readonly string[],
  allTypes: readonly NamedType[] | undefined,
  dir: string,
  source: HeaderOptions,
): string {
  const file = posix.join(dir, "index.ts");
  const names = new ModuleNames(file);
  const claim = (name: string, owner: string): string => names.claim(name, owner);
  const isRoot = allTypes !== undefined;

  for (const name of [RESULT_TYPE, VALID, INVALID]) claim(name, "validators/result.ts");
  if (isRoot) for (const name of [ISSUE_TYPE, FORMAT_ISSUES, BY_ID]) claim(name, "the validators root index");
  for (const child of children) claim(child, `namespace "${[...namespace.path, child].join("/")}"`);

  const imports: ts.Statement[] = [];
  if (namespace.types.length > 0) {
    const typeNames = namespace.types.map(({ type }) => claim(type.name, `type "${type.id}"`));
    imports.push(namedImport(typeNames, specifier(dir, posix.join(namespaceDir(namespace.path), "index.js")), true));
    const exportNames = namespace.types.map(({ type, exportName }) => claim(exportName, `the standalone function of "${type.id}"`));
    imports.push(namedImport(exportNames, specifier(dir, STANDALONE_TS.replace(/\.ts$/, ".js"))));
  }
  imports.push(resultImport(specifier(dir, RESULT_TS.replace(/\.ts$/, ".js"))));

  const reexports: ts.Statement[] = [];
  if (isRoot) {
    const resultSpecifier = specifier(dir, RESULT_TS.replace(/\.ts$/, ".js"));
    reexports.push(namedExport([FORMAT_ISSUES], resultSpecifier), namedExport([ISSUE_TYPE, RESULT_TYPE], resultSpecifier, true));
    for (const child of children) imports.push(namespaceImport(child, `./${child}/index.js`));
    if (children.length > 0) reexports.push(namedExport(children));
  } else {
    for (const child of children) reexports.push(namespaceReexport(child, `./${child}/index.js`));
  }

  const functions = namespace.types.flatMap(({ type, exportName }) => [
    isFunction(claim(isFunctionName(type), `type "${type.id}"`), type.name, exportName),
    validateFunction(claim(validateFunctionName(type), `type "${type.id}"`), exportName),
  ]);

  const lookup = isRoot ? [validatorsById(allTypes)] : [];
  return printFile(headerLines({ ...source, runtimeNeeds: isRoot }), [imports, reexports, functions, lookup]);
}

function resultImport(from: string): ts.ImportDeclaration {
  return f.createImportDeclaration(
    undefined,
    f.createImportClause(
      false,
      undefined,
      f.createNamedImports([
        f.createImportSpecifier(false, undefined, f.createIdentifier(INVALID)),
        f.createImportSpecifier(false, undefined, f.createIdentifier(VALID)),
        f.createImportSpecifier(true, undefined, f.createIdentifier(RESULT_TYPE)),
      ]),
    ),
    f.createStringLiteral(from),
  );
}

/** `export function isX(value: unknown): value is X { return v2$X(value); }` */
function isFunction(name: string, typeName: string, compiled: string): ts.FunctionDeclaration {
  return exportCheckFunction(
    name,
    f.createTypePredicateNode(undefined, "value", f.createTypeReferenceNode(typeName)),
    callCompiled(compiled),
  );
}

/**
 * `export function validateX(value: unknown): ValidationResult { return v2$X(value) ? VALID : invalid(v2$X.errors); }`
 * — success returns the shared VALID object, so the wrapper allocates only on failure.
 */
function validateFunction(name: string, compiled: string): ts.FunctionDeclaration {
  const errors = f.createPropertyAccessExpression(f.createIdentifier(compiled), "errors");
  return exportCheckFunction(
    name,
    f.createTypeReferenceNode(RESULT_TYPE),
    f.createConditionalExpression(
      callCompiled(compiled),
      f.createToken(ts.SyntaxKind.QuestionToken),
      f.createIdentifier(VALID),
      f.createToken(ts.SyntaxKind.ColonToken),
      f.createCallExpression(f.createIdentifier(INVALID), undefined, [errors]),
    ),
  );
}

function callCompiled(compiled: string): ts.Expression {
  return f.createCallExpression(f.createIdentifier(compiled), undefined, [f.createIdentifier("value")]);
}

/**
 * `validatorsById`, keyed by type id. A null-prototype object, so an id such as "toString"
 * finds nothing instead of an Object.prototype method.
 */
function validatorsById(types: readonly NamedType[]): ts.Statement {
  const entries = types.map((type) => {
    // The root's own functions by name, a child namespace's through its import: v2.validateX.
    let access: ts.Expression | undefined;
    for (const segment of [...type.namespace, validateFunctionName(type)]) {
      access = access === undefined ? f.createIdentifier(segment) : f.createPropertyAccessExpression(access, segment);
    }
    return f.createPropertyAssignment(f.createStringLiteral(type.id), access ?? f.createIdentifier(validateFunctionName(type)));
  });
  const nullPrototype = f.createCallExpression(
    f.createPropertyAccessExpression(f.createIdentifier("Object"), "create"),
    undefined,
    [f.createNull()],
  );
  const value = f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Object"), "freeze"), undefined, [
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Object"), "assign"), undefined, [
      nullPrototype,
      f.createObjectLiteralExpression(entries, true),
    ]),
  ]);
  const validator = f.createFunctionTypeNode(undefined, [unknownValueParameter()], f.createTypeReferenceNode(RESULT_TYPE));
  const type = f.createTypeReferenceNode("Readonly", [
    f.createTypeReferenceNode("Record", [f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), validator]),
  ]);
  return exportConst(BY_ID, value, type);
}

/** An ESM specifier from a file in `fromDir` to `toFile` (both relative to the output directory). */
function specifier(fromDir: string, toFile: string): string {
  const relative = posix.relative(fromDir, toFile);
  return relative.startsWith("../") ? relative : `./${relative}`;
}
