/**
 * The client emitter: client/client.ts (the typed client) and client/index.ts, which
 * re-exports it with the methods map, the error helpers and the runtime's client transports,
 * so that one import serves a client team.
 */
import ts from "../shared/typescript.js";
import type { Emitter } from "../../model/model.js";
import { printModule } from "../protocol/printing.js";
import { headerOf } from "../shared/header.js";
import { clientFileStatements } from "./client.js";

const f = ts.factory;

function exportAll(specifier: string): ts.ExportDeclaration {
  return f.createExportDeclaration(undefined, false, undefined, f.createStringLiteral(specifier));
}

function exportNames(specifier: string, values: readonly string[], types: readonly string[] = []): ts.ExportDeclaration {
  const specifiers = [
    ...values.map((name) => f.createExportSpecifier(false, undefined, name)),
    ...types.map((name) => f.createExportSpecifier(true, undefined, name)),
  ];
  return f.createExportDeclaration(undefined, false, f.createNamedExports(specifiers), f.createStringLiteral(specifier));
}

function indexStatements(): ts.Statement[] {
  return [
    exportAll("./client.js"),
    exportAll("../protocol/methods.js"),
    exportAll("../runtime/errors.js"),
    exportNames("../runtime/transport.js", [], ["Transport"]),
    exportNames("../runtime/transports/stdio-child.js", ["StdioChildTransport"], ["StdioChildTransportOptions"]),
    exportNames("../runtime/transports/websocket-client.js", ["WebSocketClientTransport", "WebSocketUpgradeError"], ["WebSocketClientTransportOptions"]),
    exportNames("../runtime/transports/memory.js", ["createMemoryTransportPair", "MemoryTransport"]),
  ];
}

export const emitClient: Emitter = (model) => [
  { path: "client/client.ts", contents: printModule(headerOf(model), clientFileStatements(model)) },
  { path: "client/index.ts", contents: printModule({ ...headerOf(model), runtimeNeeds: true }, indexStatements()) },
];
