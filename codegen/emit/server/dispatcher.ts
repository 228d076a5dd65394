/**
 * server/dispatcher.ts: routes a client→server message to its handler. The routing tables are
 * generated object literals keyed by method literal, each entry holding the method's
 * validators and the lookup of its handler; everything else in the file is fixed code.
 */
import ts from "../shared/typescript.js";
import type { MethodSpec, ProtocolModel } from "../../model/model.js";
import { methodsOf } from "../protocol/methods.js";
import { methodLiteral } from "../protocol/names.js";
import { parseStatements, splitImports } from "../protocol/printing.js";
import { ValidatorRefs } from "../protocol/validator-refs.js";

const f = ts.factory;

const declarations = `
import { ErrorCodes, internalError, invalidParams, isRpcError, methodNotFound, RpcError } from "../runtime/errors.js";
import type { JsonRpcErrorObject } from "../runtime/jsonrpc.js";
import type { ClientNotificationMethod, ClientNotifications, ClientRequestMethod, ClientRequests } from "../protocol/methods.js";
import { problemOf, type Validator } from "../protocol/validation.js";
import type { ClientNotificationHandlers, ClientRequestHandlers } from "./handlers.js";

/** What a request comes to: the handler's result, or the error to answer with. */
export type DispatchResult = { result: unknown } | { error: JsonRpcErrorObject };

/** A server's implementation of the protocol: every client→server request and notification. */
export interface DispatcherHandlers<Ctx> {
  requests: ClientRequestHandlers<Ctx>;
  notifications: ClientNotificationHandlers<Ctx>;
}

export interface DispatcherOptions {
  /**
   * Checks every result against its schema and answers -32603 when it does not match. A
   * debugging aid: it costs one validation per response.
   */
  validateResults?: boolean;
  /**
   * Told what the peer does not see in full: handler failures other than \`RpcError\`, invalid
   * results, and every problem with a notification (which has no reply).
   */
  onError?: (error: unknown, method: string) => void;
}

export interface Dispatcher<Ctx> {
  /** Runs the request's handler. Never rejects: every failure becomes an error object. */
  dispatchRequest(method: string, params: unknown, ctx: Ctx): Promise<DispatchResult>;
  /** Runs the notification's handler. Never rejects: failures go to \`onError\`. */
  dispatchNotification(method: string, params: unknown, ctx: Ctx): Promise<void>;
  /** Whether \`method\` is a client→server request or notification of this protocol. */
  knows(method: string): boolean;
}

interface RequestRoute<Ctx> {
  readonly params?: Validator;
  readonly result?: Validator;
  /** Called only with params that passed \`params\`. */
  readonly run: (params: unknown, ctx: Ctx) => Promise<unknown>;
}

interface NotificationRoute<Ctx> {
  readonly params?: Validator;
  /** Called only with params that passed \`params\`. */
  readonly run: (params: unknown, ctx: Ctx) => Promise<void>;
}

/** Routes by method name; typed by string so that a protocol with no methods one way still looks up. */
type RouteTable<Route> = { readonly [method: string]: Route };
`;

const implementation = `
/**
 * Builds the dispatcher for a server's handlers. A handler runs inside
 * \`Promise.resolve().then(...)\`, so a synchronous throw becomes an error answer too.
 */
export function createDispatcher<Ctx>(handlers: DispatcherHandlers<Ctx>, options: DispatcherOptions = {}): Dispatcher<Ctx> {
  const requests: RouteTable<RequestRoute<Ctx>> = requestRoutes(handlers.requests);
  const notifications: RouteTable<NotificationRoute<Ctx>> = notificationRoutes(handlers.notifications);
  const report = (error: unknown, method: string): void => {
    // The hook is diagnostics; a hook that throws must not change what the peer is told.
    try {
      options.onError?.(error, method);
    } catch {
      // nothing else to tell
    }
  };

  return {
    async dispatchRequest(method, params, ctx) {
      const route = lookup(requests, method);
      if (route === undefined) return { error: methodNotFound(method).toJson() };
      const problem = problemOf(route.params, params);
      if (problem !== undefined) {
        const error = invalidParams(\`Invalid params for \${method}: \${problem.message}\`, { errors: problem.errors });
        return { error: error.toJson() };
      }
      let result: unknown;
      try {
        result = await Promise.resolve().then(() => route.run(params, ctx));
      } catch (error) {
        if (isRpcError(error)) return { error: error.toJson() };
        report(error, method);
        return { error: internalError().toJson() };
      }
      if (options.validateResults === true) {
        const bad = problemOf(route.result, result);
        if (bad !== undefined) {
          const error = new RpcError(ErrorCodes.InternalError, \`Invalid result for \${method}: \${bad.message}\`, { errors: bad.errors });
          report(error, method);
          return { error: error.toJson() };
        }
      }
      return { result };
    },

    async dispatchNotification(method, params, ctx) {
      const route = lookup(notifications, method);
      if (route === undefined) {
        report(methodNotFound(method), method);
        return;
      }
      const problem = problemOf(route.params, params);
      if (problem !== undefined) {
        report(invalidParams(\`Invalid params for \${method}: \${problem.message}\`, { errors: problem.errors }), method);
        return;
      }
      try {
        await Promise.resolve().then(() => route.run(params, ctx));
      } catch (error) {
        report(error, method);
      }
    },

    knows(method) {
      return lookup(requests, method) !== undefined || lookup(notifications, method) !== undefined;
    },
  };
}

/** Own properties only, so that "toString" or "__proto__" never reach Object.prototype. */
function lookup<T>(table: RouteTable<T>, method: string): T | undefined {
  return Object.hasOwn(table, method) ? table[method] : undefined;
}
`;

function property(name: string, value: ts.Expression | undefined): ts.PropertyAssignment[] {
  return value === undefined ? [] : [f.createPropertyAssignment(name, value)];
}

/**
 * `run: (params, ctx) => handlers["m"](params as ClientRequests["m"]["params"], ctx)`; a method
 * without params hands its handler `undefined`, whatever the peer sent.
 */
function runProperty(spec: MethodSpec): ts.PropertyAssignment {
  const method = methodLiteral(spec.method);
  const handler = f.createElementAccessExpression(f.createIdentifier("handlers"), method);
  const map = spec.kind === "request" ? "ClientRequests" : "ClientNotifications";
  const entry = f.createIndexedAccessTypeNode(f.createTypeReferenceNode(map), f.createLiteralTypeNode(methodLiteral(spec.method)));
  const paramsArg = spec.params === null
    ? f.createIdentifier("undefined")
    : f.createAsExpression(f.createIdentifier("params"), f.createIndexedAccessTypeNode(entry, f.createLiteralTypeNode(f.createStringLiteral("params"))));
  const parameters = [spec.params === null ? "_params" : "params", "ctx"].map((name) => f.createParameterDeclaration(undefined, undefined, name));
  const body = f.createCallExpression(handler, undefined, [paramsArg, f.createIdentifier("ctx")]);
  return f.createPropertyAssignment("run", f.createArrowFunction(undefined, undefined, parameters, undefined, undefined, body));
}

function routesFunction(name: string, handlersType: string, routeType: string, methodType: string, entries: ts.PropertyAssignment[]): ts.FunctionDeclaration {
  const ctx = f.createTypeReferenceNode("Ctx");
  const parameter = f.createParameterDeclaration(undefined, undefined, "handlers", undefined, f.createTypeReferenceNode(handlersType, [ctx]));
  // Keyed by the method union, so a method missing from the table fails to compile.
  const returnType = f.createMappedTypeNode(
    f.createToken(ts.SyntaxKind.ReadonlyKeyword),
    f.createTypeParameterDeclaration(undefined, "M", f.createTypeReferenceNode(methodType)),
    undefined,
    undefined,
    f.createTypeReferenceNode(routeType, [ctx]),
    undefined,
  );
  const body = f.createBlock([f.createReturnStatement(f.createObjectLiteralExpression(entries, true))], true);
  return f.createFunctionDeclaration(undefined, undefined, name, [f.createTypeParameterDeclaration(undefined, "Ctx")], [parameter], returnType, body);
}

function routeEntry(spec: MethodSpec, validators: ValidatorRefs): ts.PropertyAssignment {
  const fields = [
    ...property("params", validators.forParams(spec)),
    ...(spec.kind === "request" ? property("result", validators.forType(spec.result, spec)) : []),
    runProperty(spec),
  ];
  return f.createPropertyAssignment(methodLiteral(spec.method), f.createObjectLiteralExpression(fields, true));
}

export function dispatcherFileStatements(model: ProtocolModel): ts.Statement[] {
  const validators = new ValidatorRefs(model, "server");
  const requestEntries = methodsOf(model, "clientToServer", "request").map((spec) => routeEntry(spec, validators));
  const notificationEntries = methodsOf(model, "clientToServer", "notification").map((spec) => routeEntry(spec, validators));
  const [fixedImports, fixedDeclarations] = splitImports(parseStatements("server/dispatcher.ts", declarations));
  return [
    ...fixedImports,
    ...validators.importDeclarations(),
    ...fixedDeclarations,
    routesFunction("requestRoutes", "ClientRequestHandlers", "RequestRoute", "ClientRequestMethod", requestEntries),
    routesFunction("notificationRoutes", "ClientNotificationHandlers", "NotificationRoute", "ClientNotificationMethod", notificationEntries),
    ...parseStatements("server/dispatcher-implementation.ts", implementation),
  ];
}
