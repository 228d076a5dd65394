/**
 * The server emitter: the handler interfaces a server implements, the dispatcher that routes
 * messages to them, typed notification senders, and an index re-exporting what a server
 * author needs (including the error helpers, so handlers can throw `RpcError`s).
 */
import ts from "../shared/typescript.js";
import type { Emitter } from "../../model/model.js";
import { printModule } from "../protocol/printing.js";
import { headerOf } from "../shared/header.js";
import { dispatcherFileStatements } from "./dispatcher.js";
import { handlersFileStatements } from "./handlers.js";
import { notificationsFileStatements } from "./notifications.js";

const f = ts.factory;

function exportAll(specifier: string): ts.ExportDeclaration {
  return f.createExportDeclaration(undefined, false, undefined, f.createStringLiteral(specifier));
}

function indexStatements(): ts.Statement[] {
  return [
    exportAll("./handlers.js"),
    exportAll("./dispatcher.js"),
    exportAll("./notifications.js"),
    exportAll("../protocol/methods.js"),
    exportAll("../runtime/errors.js"),
  ];
}

export const emitServer: Emitter = (model) => [
  { path: "server/dispatcher.ts", contents: printModule(headerOf(model), dispatcherFileStatements(model)) },
  { path: "server/handlers.ts", contents: printModule(headerOf(model), handlersFileStatements(model)) },
  { path: "server/index.ts", contents: printModule({ ...headerOf(model), runtimeNeeds: true }, indexStatements()) },
  { path: "server/notifications.ts", contents: printModule(headerOf(model), notificationsFileStatements(model)) },
];
