/**
 * client/client.ts: the typed client. Its API is fixed code typed by the methods map
 * (`request`, `notify`, `on`, `handle` are views of protocol/methods.ts); the only generated
 * part is the table of validators it runs on what arrives when `validateIncoming` is on.
 */
import ts from "../shared/typescript.js";
import type { MessageDirection, MethodKind, MethodSpec, ProtocolModel } from "../../model/model.js";
import { methodsOf } from "../protocol/methods.js";
import { methodLiteral } from "../protocol/names.js";
import { parseStatements, splitImports } from "../protocol/printing.js";
import { ValidatorRefs } from "../protocol/validator-refs.js";

const f = ts.factory;

const declarations = `
import { JsonRpcConnection, type RequestOptions } from "../runtime/connection.js";
import { invalidParams } from "../runtime/errors.js";
import type { Transport } from "../runtime/transport.js";
import type { ClientNotificationMethod, ClientNotifications, ClientRequestMethod, ClientRequests, ServerNotificationMethod, ServerNotifications, ServerRequestMethod, ServerRequests } from "../protocol/methods.js";
import { problemOf, type Validator } from "../protocol/validation.js";
import type { ValidationIssue } from "../validators/index.js";

export type { RequestOptions } from "../runtime/connection.js";

export interface ClientOptions {
  /** How long a request may wait for its response, in ms (default 60 000; 0 waits forever). */
  requestTimeoutMs?: number;
  /** Send \`"jsonrpc": "2.0"\` on every message, for stock JSON-RPC 2.0 servers; Codex leaves it out. */
  sendJsonrpcMember?: boolean;
  /**
   * Check what the server sends against the schemas: a result that fails rejects its request
   * with an \`IncomingValidationError\`, a notification that fails is not delivered (and goes to
   * \`onError\`), a server request whose params fail is answered with -32602.
   */
  validateIncoming?: boolean;
  /**
   * Problems that belong to no call: transport failures, invalid or unexpected messages,
   * listeners that threw, notifications that failed validation.
   */
  onError?: (error: Error) => void;
  /** Called once when the connection has closed, whichever side closed it. */
  onClose?: () => void;
}

/** The result of a client→server request (\`unknown\` when the registry does not name one). */
export type RequestResult<M extends ClientRequestMethod> = ClientRequests[M]["result"];

/** What follows the method in \`request\`: params (optional for methods without, or whose params may be left out), then per-call options. */
export type RequestArgs<M extends ClientRequestMethod> = undefined extends ClientRequests[M]["params"]
  ? [params?: ClientRequests[M]["params"], options?: RequestOptions]
  : [params: ClientRequests[M]["params"], options?: RequestOptions];

/** What follows the method in \`notify\`: params, optional for methods without. */
export type NotifyArgs<M extends ClientNotificationMethod> = undefined extends ClientNotifications[M]["params"]
  ? [params?: ClientNotifications[M]["params"]]
  : [params: ClientNotifications[M]["params"]];

export type ServerNotificationListener<M extends ServerNotificationMethod> = (params: ServerNotifications[M]["params"]) => void | Promise<void>;

/** Answers a server→client request; throw an \`RpcError\` to answer with that error. */
export type ServerRequestHandler<M extends ServerRequestMethod> = (
  params: ServerRequests[M]["params"],
) => ServerRequests[M]["result"] | Promise<ServerRequests[M]["result"]>;

export interface Client {
  /** Resolves once the transport has started; rejects when it could not (calls then reject too). */
  readonly ready: Promise<void>;
  /**
   * Sends a request and resolves with its result. Rejects with an \`RpcError\`: the server's
   * error, a timeout (\`LocalErrorCodes.RequestTimeout\`) or the connection closing
   * (\`LocalErrorCodes.ConnectionClosed\`).
   */
  request<M extends ClientRequestMethod>(method: M, ...args: RequestArgs<M>): Promise<RequestResult<M>>;
  /** Sends a notification; resolves once it is handed to the transport. */
  notify<M extends ClientNotificationMethod>(method: M, ...args: NotifyArgs<M>): Promise<void>;
  /** Listens to a server notification; several listeners may share a method. Returns the unsubscribe function. */
  on<M extends ServerNotificationMethod>(method: M, listener: ServerNotificationListener<M>): () => void;
  /** Answers a server request; one handler per method. Returns the function that unregisters it. */
  handle<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M>): () => void;
  /** Closes the transport; pending requests reject with \`LocalErrorCodes.ConnectionClosed\`. */
  close(): Promise<void>;
}

/** Something the server sent failed its schema while \`validateIncoming\` is on. */
export class IncomingValidationError extends Error {
  override readonly name = "IncomingValidationError";
  readonly method: string;
  readonly errors: ValidationIssue[];

  constructor(method: string, what: string, problem: { readonly message: string; readonly errors: ValidationIssue[] }) {
    super(\`Invalid \${what} for \${method}: \${problem.message}\`);
    this.method = method;
    this.errors = problem.errors;
  }
}
`;

const implementation = `
/**
 * A typed client over any transport (\`StdioChildTransport\`, \`WebSocketClientTransport\`,
 * \`MemoryTransport\`). The transport starts right away; calls made before it is ready wait.
 */
export function createClient(transport: Transport, options: ClientOptions = {}): Client {
  const connection = new JsonRpcConnection(transport, {
    requestTimeoutMs: options.requestTimeoutMs,
    sendJsonrpcMember: options.sendJsonrpcMember,
  });
  const report = (error: Error): void => options.onError?.(error);
  connection.onerror = report;
  connection.onclose = () => options.onClose?.();
  const validate = options.validateIncoming === true;
  const ready = connection.start();
  // A failed start reaches callers through \`ready\` and their calls; this only keeps it from
  // also being reported as an unhandled rejection when nobody is calling yet.
  ready.catch(() => undefined);

  return {
    ready,

    async request<M extends ClientRequestMethod>(method: M, ...args: RequestArgs<M>): Promise<RequestResult<M>> {
      const [params, callOptions] = args;
      await ready;
      const result = await connection.request(method, params, callOptions);
      const problem = validate ? problemOf(resultValidators[method], result) : undefined;
      if (problem !== undefined) throw new IncomingValidationError(method, "result", problem);
      return result as RequestResult<M>;
    },

    async notify<M extends ClientNotificationMethod>(method: M, ...args: NotifyArgs<M>): Promise<void> {
      await ready;
      await connection.notify(method, args[0]);
    },

    on<M extends ServerNotificationMethod>(method: M, listener: ServerNotificationListener<M>): () => void {
      return connection.onNotification(method, (params) => {
        const problem = validate ? problemOf(notificationValidators[method], params) : undefined;
        if (problem !== undefined) {
          report(new IncomingValidationError(method, "params", problem));
          return;
        }
        return listener(params as ServerNotifications[M]["params"]);
      });
    },

    handle<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M>): () => void {
      return connection.onRequest(method, (params) => {
        const problem = validate ? problemOf(serverRequestValidators[method], params) : undefined;
        if (problem !== undefined) {
          throw invalidParams(\`Invalid params for \${method}: \${problem.message}\`, { errors: problem.errors });
        }
        return handler(params as ServerRequests[M]["params"]);
      });
    },

    close(): Promise<void> {
      return connection.close();
    },
  };
}
`;

interface IncomingTable {
  readonly name: string;
  readonly doc: string;
  readonly methodType: string;
  readonly direction: MessageDirection;
  readonly kind: MethodKind;
  /** The check of what arrives from the server for a method. */
  readonly arriving: (spec: MethodSpec, validators: ValidatorRefs) => ts.Expression | undefined;
}

const tables: readonly IncomingTable[] = [
  { name: "resultValidators", doc: "Results of client→server requests.", methodType: "ClientRequestMethod", direction: "clientToServer", kind: "request", arriving: (spec, validators) => validators.forType(spec.result, spec) },
  { name: "notificationValidators", doc: "Params of server→client notifications.", methodType: "ServerNotificationMethod", direction: "serverToClient", kind: "notification", arriving: (spec, validators) => validators.forParams(spec) },
  { name: "serverRequestValidators", doc: "Params of server→client requests.", methodType: "ServerRequestMethod", direction: "serverToClient", kind: "request", arriving: (spec, validators) => validators.forParams(spec) },
];

/** `const resultValidators: { readonly [M in ClientRequestMethod]: Validator | undefined } = { "m": validators_v2.validateX, … };` */
function validatorTable(model: ProtocolModel, table: IncomingTable, validators: ValidatorRefs): ts.VariableStatement {
  const entries = methodsOf(model, table.direction, table.kind).map((spec) =>
    f.createPropertyAssignment(methodLiteral(spec.method), table.arriving(spec, validators) ?? f.createIdentifier("undefined")),
  );
  const type = f.createMappedTypeNode(
    f.createToken(ts.SyntaxKind.ReadonlyKeyword),
    f.createTypeParameterDeclaration(undefined, "M", f.createTypeReferenceNode(table.methodType)),
    undefined,
    undefined,
    f.createUnionTypeNode([f.createTypeReferenceNode("Validator"), f.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword)]),
    undefined,
  );
  const declaration = f.createVariableDeclaration(table.name, undefined, type, f.createObjectLiteralExpression(entries, true));
  const statement = f.createVariableStatement(undefined, f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
  return ts.addSyntheticLeadingComment(statement, ts.SyntaxKind.SingleLineCommentTrivia, ` ${table.doc} Checked when validateIncoming is on.`, true);
}

export function clientFileStatements(model: ProtocolModel): ts.Statement[] {
  const validators = new ValidatorRefs(model, "client");
  const generated = tables.map((table) => validatorTable(model, table, validators));
  const [fixedImports, fixedDeclarations] = splitImports(parseStatements("client/client.ts", declarations));
  return [
    ...fixedImports,
    ...validators.importDeclarations(),
    ...fixedDeclarations,
    ...generated,
    ...parseStatements("client/client-implementation.ts", implementation),
  ];
}
