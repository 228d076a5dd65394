/**
 * The resolved protocol model: what the loader produces and every emitter consumes.
 *
 * The loader (codegen/load/) turns a schema directory or a bundle file into this shape;
 * emitters (codegen/emit/*) turn it into files. Emitters never read the file system and
 * never see the original layout of the schemas: they only see named types and methods.
 */

/**
 * A JSON Schema fragment as plain JSON data, in draft-07 form whatever the input's dialect
 * (the loader translates 2020-12; see codegen/load/normalize-dialect.ts). Keywords JSON Schema
 * does not define (`x-…`, `enumDescriptions`) are kept: they are annotations.
 */
export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

/**
 * A type id is the namespace path and the type name joined by "/": "v2/QueuedTurn",
 * or just "InitializeParams" for the root namespace. Namespaces mirror upstream's layout
 * (schema/v2/… ↔ generated/types/v2/…); a name is unique within its namespace only.
 */
export type TypeId = string;

export interface SourceLocation {
  /** Path of the file, relative to the working directory, with "/" separators. */
  readonly file: string;
  /** JSON pointer inside that file ("" for the whole document). */
  readonly pointer: string;
}

export interface NamedType {
  readonly id: TypeId;
  /** The last segment of the id; a valid, non-reserved TypeScript identifier. */
  readonly name: string;
  /** The namespace segments before the name ([] for root, ["v2"] for v2). */
  readonly namespace: readonly string[];
  /**
   * The type's own schema. Every reference to a named type (including itself) is rewritten
   * to the normal form {"$ref": "#/definitions/<id>"}, e.g. "#/definitions/v2/TurnError";
   * no other "$ref" remains. Inline (anonymous) subschemas stay inline.
   * Keys are in the order the source had; emitters that need determinism sort themselves.
   */
  readonly schema: JsonSchemaObject;
  readonly source: SourceLocation;
}

export type MethodKind = "request" | "notification";
export type MessageDirection = "clientToServer" | "serverToClient";

export interface MethodSpec {
  /** The wire method name, e.g. "thread/queue/add". */
  readonly method: string;
  readonly kind: MethodKind;
  readonly direction: MessageDirection;
  /** Type id of the params, or null when the method takes none. */
  readonly params: TypeId | null;
  /**
   * True when a peer may leave the params out (MCP's `ping`, `tools/list`): generated code
   * then takes `params?: T` and accepts a message without params. Absent means false.
   */
  readonly paramsOptional?: boolean;
  /** Type id of the result (requests only); null for notifications, or when unknown. */
  readonly result: TypeId | null;
  readonly experimental: boolean;
  /** Protocol version that introduced the method (free-form, e.g. "0.1.0" or "v2"). */
  readonly since: string;
  readonly description: string;
  /**
   * Errors this method can answer besides those every request can (`ProtocolModel.requestErrors`),
   * from the registry's `errors`; absent when the registry names none.
   */
  readonly errors?: readonly MethodError[];
  readonly source: SourceLocation;
}

/** One error answer a request can get: its JSON-RPC code, the message as sent, and when. */
export interface MethodError {
  readonly code: number;
  /** The `error.message` as the server sends it; `<…>` marks a part that varies. */
  readonly message: string;
  /** When the error is answered, one sentence (Markdown). */
  readonly when: string;
}

/**
 * A picture of the protocol, drawn from a Graphviz DOT text kept with the schemas (the
 * registry's `diagrams`), rendered by the docs emitter.
 */
export interface DiagramSpec {
  /** A file-name-safe id, e.g. "queue-lifecycle". */
  readonly name: string;
  readonly title: string;
  /** What the picture shows (Markdown); also the text alternative's long form. */
  readonly description: string;
  /** Methods the picture belongs to: it is shown on their pages too. */
  readonly methods: readonly string[];
  /** The DOT source text. */
  readonly dot: string;
  /** The DOT file. */
  readonly source: SourceLocation;
}

export interface ProtocolModel {
  /** Sorted by id (plain string comparison), unique ids. */
  readonly types: readonly NamedType[];
  /** Sorted by (direction, kind, method). */
  readonly methods: readonly MethodSpec[];
  /**
   * How the source is named in generated headers: the --schema argument as given,
   * relative to the working directory with "/" separators (e.g. "schema"). The CLI rebases
   * it (and every `source.file`) onto the project folder, so headers do not depend on the
   * working directory.
   */
  readonly sourceLabel: string;
  /** The registry's `name` and `version`, when it gives them (a derived registry does not). */
  readonly info?: { readonly name: string; readonly version: string };
  /** Errors every request can answer (the registry's `requestErrors`), when it names them. */
  readonly requestErrors?: readonly MethodError[];
  /** Diagrams the registry lists, in its order; absent when it lists none. */
  readonly diagrams?: readonly DiagramSpec[];
  /**
   * The command generated headers give for regenerating the output; absent, the bare
   * `npx thread-queue-codegen`. The CLI sets it from its command line (codegen/cli/provenance.ts).
   */
  readonly regenerateCommand?: string;
}

/** One output file of an emitter: a path relative to the output directory ("/" separators). */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
}

/** Every emitter is one function from the model to files; it must be deterministic. */
export type Emitter = (model: ProtocolModel) => GeneratedFile[];

/**
 * An emitter whose work runs elsewhere (a worker thread) while the others run: `start`
 * gives the very files its in-process emitter would, later. The CLI starts these first
 * (see codegen/emit/order.ts); a second `start` with the same model reuses the work the first
 * started.
 */
export interface DeferredEmitter {
  readonly name: string;
  readonly start: (model: ProtocolModel) => Promise<GeneratedFile[]>;
}

/** The normal-form $ref for a type id. */
export function refForType(id: TypeId): string {
  return `#/definitions/${id}`;
}

/** The type id named by a normal-form $ref, or undefined when the ref is not one. */
export function typeIdFromRef(ref: string): TypeId | undefined {
  const prefix = "#/definitions/";
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}
