/**
 * server/handlers.ts: the interfaces a server implements, one required member per
 * client→server request and notification, each a view of the methods map. A server that
 * leaves one out does not compile.
 */
import ts from "../shared/typescript.js";
import type { MethodSpec, ProtocolModel } from "../../model/model.js";
import { withDoc } from "../shared/tsdoc.js";
import { methodDoc, methodsOf } from "../protocol/methods.js";
import { methodLiteral } from "../protocol/names.js";
import { parseStatements } from "../protocol/printing.js";

const f = ts.factory;

const fixed = `
import type { ClientNotificationMethod, ClientNotifications, ClientRequestMethod, ClientRequests } from "../protocol/methods.js";

/** Answers one client→server request; throw an \`RpcError\` to answer with that error. */
export type ClientRequestHandler<M extends ClientRequestMethod, Ctx> = (
  params: ClientRequests[M]["params"],
  ctx: Ctx,
) => Promise<ClientRequests[M]["result"]>;

/** Handles one client→server notification; nothing is sent back, failures go to \`onError\`. */
export type ClientNotificationHandler<M extends ClientNotificationMethod, Ctx> = (
  params: ClientNotifications[M]["params"],
  ctx: Ctx,
) => Promise<void>;
`;

function handlersInterface(name: string, handlerType: string, doc: string, methods: readonly MethodSpec[]): ts.InterfaceDeclaration {
  const ctx = f.createTypeParameterDeclaration(undefined, "Ctx");
  const members = methods.map((spec) => {
    const type = f.createTypeReferenceNode(handlerType, [f.createLiteralTypeNode(methodLiteral(spec.method)), f.createTypeReferenceNode("Ctx")]);
    return withDoc(f.createPropertySignature(undefined, methodLiteral(spec.method), undefined, type), methodDoc(spec));
  });
  const declaration = f.createInterfaceDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], name, [ctx], undefined, members);
  return withDoc(declaration, [doc]);
}

export function handlersFileStatements(model: ProtocolModel): ts.Statement[] {
  return [
    ...parseStatements("server/handlers.ts", fixed),
    handlersInterface(
      "ClientRequestHandlers",
      "ClientRequestHandler",
      "One handler per client→server request. `Ctx` is whatever the server passes along with each message (typically the connection's state).",
      methodsOf(model, "clientToServer", "request"),
    ),
    handlersInterface(
      "ClientNotificationHandlers",
      "ClientNotificationHandler",
      "One handler per client→server notification.",
      methodsOf(model, "clientToServer", "notification"),
    ),
  ];
}
