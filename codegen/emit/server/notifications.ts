/**
 * server/notifications.ts: one typed function per server→client notification.
 *
 * Choice: members are named by camel-casing the method ("thread/queue/changed" →
 * `threadQueueChanged`), which reads well at call sites and completes in editors; the name is
 * checked to be an identifier and unique, and the method itself stays a string literal.
 */
import ts from "../shared/typescript.js";
import type { MethodSpec, ProtocolModel } from "../../model/model.js";
import { withDoc } from "../shared/tsdoc.js";
import { methodDoc, methodsOf } from "../protocol/methods.js";
import { methodLiteral, methodMemberNames } from "../protocol/names.js";
import { parseStatements, splitImports } from "../protocol/printing.js";
import { ValidatorRefs } from "../protocol/validator-refs.js";

const f = ts.factory;

const fixed = `
import type { ServerNotifications } from "../protocol/methods.js";
import { problemOf, type Validator } from "../protocol/validation.js";

/** Puts one notification on the wire (or into a broadcast); the transport is not our business. */
export type SendNotification = (method: string, params: unknown) => void;

export interface NotificationSenderOptions {
  /**
   * Checks params against their schema before sending and throws on a mismatch, so a server
   * bug surfaces where it happens. A debugging aid: it costs one validation per message.
   */
  validate?: boolean;
}

/** Validates (when asked) and sends; shared by every member of the sender. */
function sendChecked(send: SendNotification, validate: Validator | undefined, method: string, params: unknown): void {
  const problem = problemOf(validate, params);
  if (problem !== undefined) throw new TypeError(\`Invalid params for \${method}: \${problem.message}\`);
  send(method, params);
}
`;

function paramsType(spec: MethodSpec): ts.TypeNode {
  const entry = f.createIndexedAccessTypeNode(f.createTypeReferenceNode("ServerNotifications"), f.createLiteralTypeNode(methodLiteral(spec.method)));
  return f.createIndexedAccessTypeNode(entry, f.createLiteralTypeNode(f.createStringLiteral("params")));
}

function paramsParameter(spec: MethodSpec): ts.ParameterDeclaration[] {
  if (spec.params === null) return [];
  const optional = spec.paramsOptional === true ? f.createToken(ts.SyntaxKind.QuestionToken) : undefined;
  return [f.createParameterDeclaration(undefined, undefined, "params", optional, paramsType(spec))];
}

function senderInterface(methods: readonly MethodSpec[], names: ReadonlyMap<string, string>): ts.InterfaceDeclaration {
  const members = methods.map((spec) => {
    const signature = f.createMethodSignature(undefined, names.get(spec.method) ?? "", undefined, undefined, paramsParameter(spec), f.createKeywordTypeNode(ts.SyntaxKind.VoidKeyword));
    return withDoc(signature, methodDoc(spec, [`Sends \`${spec.method}\`.`]));
  });
  const declaration = f.createInterfaceDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], "NotificationSender", undefined, undefined, members);
  return withDoc(declaration, ["One function per server→client notification, named by camel-casing its method."]);
}

/** `threadQueueChanged: (params) => sendChecked(send, validate ? validators_v2.validate… : undefined, "thread/queue/changed", params)` */
function senderMember(spec: MethodSpec, name: string, validators: ValidatorRefs): ts.PropertyAssignment {
  const validator = validators.forParams(spec);
  const check = validator === undefined
    ? f.createIdentifier("undefined")
    : f.createConditionalExpression(f.createIdentifier("validate"), undefined, validator, undefined, f.createIdentifier("undefined"));
  const params = spec.params === null ? f.createIdentifier("undefined") : f.createIdentifier("params");
  const call = f.createCallExpression(f.createIdentifier("sendChecked"), undefined, [f.createIdentifier("send"), check, methodLiteral(spec.method), params]);
  const parameters = spec.params === null ? [] : [f.createParameterDeclaration(undefined, undefined, "params")];
  return f.createPropertyAssignment(name, f.createArrowFunction(undefined, undefined, parameters, undefined, undefined, call));
}

function createSenderFunction(methods: readonly MethodSpec[], names: ReadonlyMap<string, string>, validators: ValidatorRefs): ts.FunctionDeclaration {
  const validate = f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList(
      [f.createVariableDeclaration("validate", undefined, undefined, f.createStrictEquality(f.createPropertyAccessExpression(f.createIdentifier("options"), "validate"), f.createTrue()))],
      ts.NodeFlags.Const,
    ),
  );
  const members = methods.map((spec) => senderMember(spec, names.get(spec.method) ?? "", validators));
  const body = f.createBlock([validate, f.createReturnStatement(f.createObjectLiteralExpression(members, true))], true);
  const parameters = [
    f.createParameterDeclaration(undefined, undefined, "send", undefined, f.createTypeReferenceNode("SendNotification")),
    f.createParameterDeclaration(undefined, undefined, "options", undefined, f.createTypeReferenceNode("NotificationSenderOptions"), f.createObjectLiteralExpression()),
  ];
  const declaration = f.createFunctionDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], undefined, "createNotificationSender", undefined, parameters, f.createTypeReferenceNode("NotificationSender"), body);
  return withDoc(declaration, ["Typed senders for every server→client notification, over `send`."]);
}

export function notificationsFileStatements(model: ProtocolModel): ts.Statement[] {
  const methods = methodsOf(model, "serverToClient", "notification");
  const names = methodMemberNames(methods);
  const validators = new ValidatorRefs(model, "server");
  const sender = createSenderFunction(methods, names, validators);
  const [fixedImports, fixedDeclarations] = splitImports(parseStatements("server/notifications.ts", fixed));
  return [...fixedImports, ...validators.importDeclarations(), ...fixedDeclarations, senderInterface(methods, names), sender];
}
