/**
 * `npm run codegen -- --scaffold DIR`: a starting point for a server, written only where no
 * file exists yet (the CLI's job), so these files belong to the user from then on:
 * - `<method with "/" → "-">.ts` per client→server request and notification, exporting a
 *   typed stub (`threadQueueAdd` for "thread/queue/add") that throws "not implemented";
 * - `context.ts` with the `HandlerContext` every handler receives;
 * - `index.ts` assembling the stubs into the `handlers` object `createDispatcher` takes.
 * A method added to the schema later gets its stub file on the next scaffold run, and the CLI
 * adds it to the existing index.ts (codegen/cli/scaffold-index.ts) without touching the rest.
 *
 * The stubs import the generated server from "../generated/server/index.js", right for a
 * scaffold folder one level below the repository root next to generated/; pass another
 * specifier to `createHandlerStubsEmitter` for another layout.
 */
import { posix } from "node:path";
import ts from "../shared/typescript.js";
import type { Emitter, GeneratedFile, MethodSpec, ProtocolModel } from "../../model/model.js";
import { withDoc } from "../shared/tsdoc.js";
import { methodDoc, methodsOf } from "../protocol/methods.js";
import { methodFileStem, methodLiteral, methodMemberNames } from "../protocol/names.js";
import { printWithHeader } from "../protocol/printing.js";

const f = ts.factory;

export const DEFAULT_SERVER_IMPORT = "../generated/server/index.js";

export interface HandlerStubsOptions {
  /** Module specifier of the generated server/index.js as seen from the scaffold folder. */
  readonly serverImport: string;
}

/** Names the scaffold declares or imports itself; a method camel-casing to one would clash. */
const reservedNames = new Set(["handlers", "HandlerContext", "DispatcherHandlers", "RpcError", "ErrorCodes", "ClientRequestHandler", "ClientNotificationHandler"]);
/** Files the scaffold writes besides the stubs. */
const fixedStems = new Set(["index", "context"]);

function print(source: string, statements: readonly ts.Statement[]): string {
  // A line break in the label would end the comment and turn the rest into code.
  const label = source.replace(/[\r\n\u2028\u2029]+/g, " ");
  const header = [
    `// Scaffolded by codegen from ${label} (npx thread-queue-codegen --scaffold DIR).`,
    "// Yours to edit: codegen writes a scaffold file only where none exists.",
  ];
  return printWithHeader(header, statements);
}

/** `import { a, type B }`, or `import type { B }` when only types are imported (verbatimModuleSyntax). */
function importFrom(specifier: string, values: readonly string[], types: readonly string[]): ts.ImportDeclaration {
  const typeOnly = values.length === 0;
  const specifiers = [
    ...values.map((name) => f.createImportSpecifier(false, undefined, f.createIdentifier(name))),
    ...types.map((name) => f.createImportSpecifier(!typeOnly, undefined, f.createIdentifier(name))),
  ];
  return f.createImportDeclaration(undefined, f.createImportClause(typeOnly, undefined, f.createNamedImports(specifiers)), f.createStringLiteral(specifier));
}

function stubFile(spec: MethodSpec, name: string, options: HandlerStubsOptions, source: string): GeneratedFile {
  const handlerType = spec.kind === "request" ? "ClientRequestHandler" : "ClientNotificationHandler";
  const message = f.createStringLiteral(`${spec.method} is not implemented`);
  const error = f.createNewExpression(f.createIdentifier("RpcError"), undefined, [
    f.createPropertyAccessExpression(f.createIdentifier("ErrorCodes"), "InternalError"),
    message,
  ]);
  const body = f.createBlock([f.createThrowStatement(error)], true);
  const parameters = ["_params", "_ctx"].map((parameter) => f.createParameterDeclaration(undefined, undefined, parameter));
  const handler = f.createArrowFunction([f.createModifier(ts.SyntaxKind.AsyncKeyword)], undefined, parameters, undefined, undefined, body);
  const type = f.createTypeReferenceNode(handlerType, [f.createLiteralTypeNode(methodLiteral(spec.method)), f.createTypeReferenceNode("HandlerContext")]);
  const declaration = f.createVariableDeclaration(name, undefined, type, handler);
  const statement = f.createVariableStatement([f.createModifier(ts.SyntaxKind.ExportKeyword)], f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
  return {
    path: `${methodFileStem(spec.method)}.ts`,
    contents: print(source, [
      importFrom(options.serverImport, ["ErrorCodes", "RpcError"], [handlerType]),
      importFrom("./context.js", [], ["HandlerContext"]),
      withDoc(statement, methodDoc(spec)),
    ]),
  };
}

function contextFile(source: string): GeneratedFile {
  const declaration = f.createInterfaceDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], "HandlerContext", undefined, undefined, []);
  const doc = "What every handler receives with each message: add what your handlers need (the connection's state, a logger, …).";
  return { path: "context.ts", contents: print(source, [withDoc(declaration, [doc])]) };
}

function indexFile(requests: readonly MethodSpec[], notifications: readonly MethodSpec[], names: ReadonlyMap<string, string>, options: HandlerStubsOptions, source: string): GeneratedFile {
  const nameOf = (spec: MethodSpec): string => names.get(spec.method) ?? "";
  const table = (specs: readonly MethodSpec[]): ts.ObjectLiteralExpression =>
    f.createObjectLiteralExpression(specs.map((spec) => f.createPropertyAssignment(methodLiteral(spec.method), f.createIdentifier(nameOf(spec)))), true);
  const value = f.createObjectLiteralExpression([f.createPropertyAssignment("requests", table(requests)), f.createPropertyAssignment("notifications", table(notifications))], true);
  const type = f.createTypeReferenceNode("DispatcherHandlers", [f.createTypeReferenceNode("HandlerContext")]);
  const declaration = f.createVariableDeclaration("handlers", undefined, type, value);
  const statement = f.createVariableStatement([f.createModifier(ts.SyntaxKind.ExportKeyword)], f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
  const stubImports = [...requests, ...notifications].map((spec) => importFrom(`./${methodFileStem(spec.method)}.js`, [nameOf(spec)], []));
  return {
    path: "index.ts",
    contents: print(source, [
      importFrom(options.serverImport, [], ["DispatcherHandlers"]),
      importFrom("./context.js", [], ["HandlerContext"]),
      ...stubImports,
      withDoc(statement, ["Every handler, in the shape `createDispatcher` takes."]),
    ]),
  };
}

function checkScaffoldNames(specs: readonly MethodSpec[], names: ReadonlyMap<string, string>): void {
  const stems = new Map<string, string>();
  for (const spec of specs) {
    const name = names.get(spec.method) ?? "";
    if (reservedNames.has(name)) throw new Error(`method ${JSON.stringify(spec.method)}: its stub name ${name} clashes with a name the scaffold uses; rename the method`);
    const stem = methodFileStem(spec.method);
    // Case-insensitive: on macOS and Windows checkouts two such files are one.
    const key = stem.toLowerCase();
    if (fixedStems.has(key)) throw new Error(`method ${JSON.stringify(spec.method)}: its stub file ${stem}.ts clashes with the scaffold's own ${key}.ts; rename the method`);
    const owner = stems.get(key);
    if (owner !== undefined) throw new Error(`methods ${JSON.stringify(owner)} and ${JSON.stringify(spec.method)} both scaffold to ${stem}.ts`);
    stems.set(key, spec.method);
  }
}

/** A client→server method as the scaffold wires it: its table in index.ts, stub name and file stem. */
export interface ScaffoldEntry {
  readonly method: string;
  readonly table: "requests" | "notifications";
  readonly name: string;
  readonly stem: string;
}

/** Every method the scaffold writes a stub for, in index.ts's order (checked as the emitter checks them). */
export function scaffoldEntries(model: ProtocolModel): ScaffoldEntry[] {
  const requests = methodsOf(model, "clientToServer", "request");
  const notifications = methodsOf(model, "clientToServer", "notification");
  const all = [...requests, ...notifications];
  const names = methodMemberNames(all);
  checkScaffoldNames(all, names);
  return all.map((spec) => ({ method: spec.method, table: spec.kind === "request" ? "requests" : "notifications", name: names.get(spec.method) ?? "", stem: methodFileStem(spec.method) }));
}

export function createHandlerStubsEmitter(options: HandlerStubsOptions): Emitter {
  return (model: ProtocolModel) => {
    const requests = methodsOf(model, "clientToServer", "request");
    const notifications = methodsOf(model, "clientToServer", "notification");
    const all = [...requests, ...notifications];
    const names = methodMemberNames(all);
    checkScaffoldNames(all, names);
    return [
      contextFile(model.sourceLabel),
      indexFile(requests, notifications, names, options, model.sourceLabel),
      ...all.map((spec) => stubFile(spec, names.get(spec.method) ?? "", options, model.sourceLabel)),
    ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };
}

/**
 * The scaffold for `scaffoldDir` when the generated tree is in `outDir` (both relative to the
 * same folder, or both absolute): the stubs import the generated server by its relative path.
 */
export function handlerStubsEmitterFor(scaffoldDir: string, outDir: string): Emitter {
  const relative = posix.relative(toPosix(scaffoldDir), posix.join(toPosix(outDir), "server", "index.js"));
  return createHandlerStubsEmitter({ serverImport: relative.startsWith(".") ? relative : `./${relative}` });
}

function toPosix(path: string): string {
  return path.split("\\").join("/");
}

/** The scaffold with stubs importing {@link DEFAULT_SERVER_IMPORT}. */
export const emitHandlerStubs: Emitter = createHandlerStubsEmitter({ serverImport: DEFAULT_SERVER_IMPORT });
