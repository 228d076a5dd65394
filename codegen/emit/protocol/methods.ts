/**
 * Builds protocol/methods.ts: the one methods map every typed API derives from (STYLE 4).
 * Four interfaces keyed by method literal — one per direction and kind — each member
 * `{ params; result }`, plus the `methodInfo` table the server's gating reads.
 */
import ts from "../shared/typescript.js";
import type { MessageDirection, MethodKind, MethodSpec, ProtocolModel } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";
import { withDoc } from "../shared/tsdoc.js";
import { planTypeImports, typeImportDeclarations } from "../shared/type-imports.js";
import { methodLiteral, TypeIndex } from "./names.js";
import { parseStatements } from "./printing.js";

const f = ts.factory;
const exported = [f.createModifier(ts.SyntaxKind.ExportKeyword)];

export interface MethodGroup {
  readonly interfaceName: string;
  readonly methodTypeName: string;
  readonly direction: MessageDirection;
  readonly kind: MethodKind;
  readonly doc: string;
}

/** The four maps, in the order they are printed. Their names are the public contract. */
export const methodGroups: readonly MethodGroup[] = [
  { interfaceName: "ClientRequests", methodTypeName: "ClientRequestMethod", direction: "clientToServer", kind: "request", doc: "Requests the client sends and the server answers, keyed by method." },
  { interfaceName: "ClientNotifications", methodTypeName: "ClientNotificationMethod", direction: "clientToServer", kind: "notification", doc: "Notifications the client sends to the server, keyed by method." },
  { interfaceName: "ServerRequests", methodTypeName: "ServerRequestMethod", direction: "serverToClient", kind: "request", doc: "Requests the server sends and the client answers, keyed by method." },
  { interfaceName: "ServerNotifications", methodTypeName: "ServerNotificationMethod", direction: "serverToClient", kind: "notification", doc: "Notifications the server sends to the client, keyed by method." },
];

/** The methods of one group, sorted by method so that output order never depends on input order. */
export function methodsOf(model: ProtocolModel, direction: MessageDirection, kind: MethodKind): MethodSpec[] {
  return model.methods
    .filter((spec) => spec.direction === direction && spec.kind === kind)
    .sort((a, b) => compareCodeUnits(a.method, b.method));
}

/**
 * Each map is keyed by method, so a name may appear once per direction; a method both peers
 * send has one `methodInfo` entry, so it must be the same kind both ways (the loader checks
 * both with a pointer; this guards hand-built models).
 */
export function checkUniqueMethods(model: ProtocolModel): void {
  const seen = new Map<string, MethodSpec>();
  for (const spec of model.methods) {
    const key = `${spec.direction}\0${spec.method}`;
    if (seen.has(key)) throw new Error(`method ${JSON.stringify(spec.method)} is declared more than once for ${spec.direction}`);
    seen.set(key, spec);
    const other = model.methods.find((candidate) => candidate.method === spec.method && candidate.direction !== spec.direction);
    if (other !== undefined && other.kind !== spec.kind) {
      throw new Error(`method ${JSON.stringify(spec.method)} is a ${spec.kind} ${spec.direction} but a ${other.kind} ${other.direction}`);
    }
  }
}

/**
 * A method's TSDoc: its description and any `extra` lines, then @experimental where it applies
 * and the release that introduced it.
 */
export function methodDoc(spec: MethodSpec, extra: readonly string[] = []): string[] {
  const tags = spec.experimental ? ["@experimental"] : [];
  return [spec.description, ...extra, ...tags, ...(spec.since === "" ? [] : [`@since ${spec.since}`])];
}

/** Local names of the imported types, by type id. */
type TypeNames = ReadonlyMap<string, string>;

function typeOr(names: TypeNames, id: string | null, absent: ts.KeywordTypeSyntaxKind): ts.TypeNode {
  const local = id === null ? undefined : names.get(id);
  return local === undefined ? f.createKeywordTypeNode(absent) : f.createTypeReferenceNode(local);
}

/** The params type; `T | undefined` when a peer may leave the params out. */
function paramsType(names: TypeNames, spec: MethodSpec): ts.TypeNode {
  const type = typeOr(names, spec.params, ts.SyntaxKind.UndefinedKeyword);
  return spec.params !== null && spec.paramsOptional === true ? f.createUnionTypeNode([type, f.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword)]) : type;
}

function memberFor(names: TypeNames, spec: MethodSpec): ts.PropertySignature {
  const members = [f.createPropertySignature(undefined, "params", undefined, paramsType(names, spec))];
  if (spec.kind === "request") {
    // A request whose result the registry does not name still answers something.
    members.push(f.createPropertySignature(undefined, "result", undefined, typeOr(names, spec.result, ts.SyntaxKind.UnknownKeyword)));
  }
  const member = f.createPropertySignature(undefined, methodLiteral(spec.method), undefined, f.createTypeLiteralNode(members));
  return withDoc(member, methodDoc(spec));
}

function mapInterface(model: ProtocolModel, names: TypeNames, group: MethodGroup): ts.InterfaceDeclaration {
  const members = methodsOf(model, group.direction, group.kind).map((spec) => memberFor(names, spec));
  return withDoc(f.createInterfaceDeclaration(exported, group.interfaceName, undefined, undefined, members), [group.doc]);
}

function infoEntry(spec: MethodSpec, bothWays: boolean): ts.PropertyAssignment {
  const value = f.createObjectLiteralExpression([
    f.createPropertyAssignment("kind", f.createStringLiteral(spec.kind)),
    f.createPropertyAssignment("direction", f.createStringLiteral(bothWays ? "both" : spec.direction)),
    f.createPropertyAssignment("experimental", spec.experimental ? f.createTrue() : f.createFalse()),
    f.createPropertyAssignment("since", f.createStringLiteral(spec.since)),
  ]);
  return f.createPropertyAssignment(methodLiteral(spec.method), value);
}

function methodInfoTable(model: ProtocolModel): ts.VariableStatement {
  // One entry per method name: a method both peers send (MCP's ping) is listed once, "both".
  const directions = new Map<string, Set<string>>();
  for (const spec of model.methods) directions.set(spec.method, (directions.get(spec.method) ?? new Set()).add(spec.direction));
  const listed = new Set<string>();
  const entries: ts.PropertyAssignment[] = [];
  for (const group of methodGroups) {
    for (const spec of methodsOf(model, group.direction, group.kind)) {
      if (listed.has(spec.method)) continue;
      listed.add(spec.method);
      entries.push(infoEntry(spec, (directions.get(spec.method)?.size ?? 0) > 1));
    }
  }
  const table = f.createObjectLiteralExpression(entries, true);
  // `satisfies` over the mapped type proves the table lists every method and nothing else.
  const shape = f.createTypeReferenceNode("MethodInfoTable");
  const init = f.createSatisfiesExpression(f.createAsExpression(table, f.createTypeReferenceNode("const")), shape);
  const declaration = f.createVariableDeclaration("methodInfo", undefined, undefined, init);
  const statement = f.createVariableStatement(exported, f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
  return withDoc(statement, ["Kind, direction, experimental flag and release of every method."]);
}

function experimentalSet(model: ProtocolModel): ts.VariableStatement {
  const names = [...new Set(model.methods.filter((spec) => spec.experimental).map((spec) => spec.method))]
    .sort(compareCodeUnits)
    .map((method) => methodLiteral(method));
  const init = f.createNewExpression(f.createIdentifier("Set"), [f.createTypeReferenceNode("Method")], [f.createArrayLiteralExpression(names, true)]);
  const setType = f.createTypeReferenceNode("ReadonlySet", [f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword)]);
  const declaration = f.createVariableDeclaration("experimentalMethods", undefined, setType, init);
  const statement = f.createVariableStatement(exported, f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
  return withDoc(statement, ["Methods that need the experimentalApi capability; a set of strings, so that any incoming method can be looked up."]);
}

function methodTypeAlias(group: MethodGroup): ts.TypeAliasDeclaration {
  const keys = f.createTypeOperatorNode(ts.SyntaxKind.KeyOfKeyword, f.createTypeReferenceNode(group.interfaceName));
  const type = f.createIntersectionTypeNode([keys, f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword)]);
  const doc = `The method names of {@link ${group.interfaceName}}.`;
  return withDoc(f.createTypeAliasDeclaration(exported, group.methodTypeName, undefined, type), [doc]);
}

// Model-independent declarations that name the four maps above (their names are fixed).
const helperTypes = `
/**
 * Every method of the protocol, either direction, mapped to its params (and result for
 * requests). A method both peers send (MCP's \`ping\`) is in two maps; here it has what both
 * say, so typed code for one direction reads that direction's map (\`ClientRequests[M]\`).
 */
export type MethodMap = ClientRequests & ClientNotifications & ServerRequests & ServerNotifications;
/** Every method name. */
export type Method = keyof MethodMap & string;
/** Requests in either direction. */
export type RequestMap = ClientRequests & ServerRequests;
export type RequestMethod = keyof RequestMap & string;
/** The params type of a method (\`undefined\` for a method without params; \`T | undefined\` when they may be left out). */
export type ParamsOf<M extends Method> = MethodMap[M]["params"];
/** The result type of a request (\`unknown\` when the registry does not name one). */
export type ResultOf<M extends RequestMethod> = RequestMap[M]["result"];
/** What \`methodInfo\` records for each method. */
export interface MethodInfo {
  readonly kind: "request" | "notification";
  /** Who sends it; "both" for a method either peer may send (the same kind both ways). */
  readonly direction: "clientToServer" | "serverToClient" | "both";
  readonly experimental: boolean;
  readonly since: string;
}
/** One entry per method, no more and no fewer. */
export type MethodInfoTable = { readonly [M in Method]: MethodInfo };
`;

/** Names methods.ts declares itself; an imported type with one of them is imported under an alias. */
const declaredNames = new Set([
  ...methodGroups.flatMap((group) => [group.interfaceName, group.methodTypeName]),
  "MethodMap", "Method", "RequestMap", "RequestMethod", "ParamsOf", "ResultOf", "MethodInfo",
  "MethodInfoTable", "methodInfo", "experimentalMethods", "lookupMethodInfo",
]);

// Follows the table it reads; model-independent.
const lookupHelper = `
/** The \`methodInfo\` entry of any incoming method name, or undefined when the protocol has none. */
export function lookupMethodInfo(method: string): MethodInfo | undefined {
  // Own properties only, so that "toString" or "__proto__" never reach Object.prototype.
  return Object.hasOwn(methodInfo, method) ? (methodInfo as MethodInfoTable)[method as Method] : undefined;
}
`;

export function methodsFileStatements(model: ProtocolModel): ts.Statement[] {
  checkUniqueMethods(model);
  const imports = planTypeImports("protocol", new TypeIndex(model).typesOf(model.methods), declaredNames);
  const names: TypeNames = new Map(imports.map((entry) => [entry.id, entry.localName]));
  return [
    ...typeImportDeclarations(imports),
    ...methodGroups.map((group) => mapInterface(model, names, group)),
    ...methodGroups.map(methodTypeAlias),
    ...parseStatements("methods-helpers.ts", helperTypes),
    methodInfoTable(model),
    experimentalSet(model),
    ...parseStatements("methods-lookup.ts", lookupHelper),
  ];
}
