/**
 * Names the protocol, server and client emitters put into code: member names derived from
 * method names, file stems, import aliases, and the lookup of the types a method names.
 * Every name from the registry passes an identifier check before it becomes code; one that
 * cannot be used is an error, never silently renamed (STYLE 2).
 */
import ts from "../shared/typescript.js";
import type { MethodSpec, NamedType, ProtocolModel, TypeId } from "../../model/model.js";
import { assertDeclarationName } from "../shared/identifiers.js";

/** "thread/queue/add" → "threadQueueAdd": split on anything but letters and digits, camel-case. */
export function methodMemberName(method: string): string {
  const words = method.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  const name = words
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join("");
  assertDeclarationName(name, `method ${JSON.stringify(method)} (camel-cased member name)`);
  return name;
}

/**
 * Member names for a set of methods, keyed by method; fails loudly when two methods would
 * share one ("thread/queueAdd" and "thread/queue/add").
 */
export function methodMemberNames(methods: readonly MethodSpec[]): Map<string, string> {
  const owners = new Map<string, string>();
  const names = new Map<string, string>();
  for (const spec of methods) {
    const name = methodMemberName(spec.method);
    const owner = owners.get(name);
    if (owner !== undefined) {
      throw new Error(`methods ${JSON.stringify(owner)} and ${JSON.stringify(spec.method)} both camel-case to ${name}; rename one in the registry`);
    }
    owners.set(name, spec.method);
    names.set(spec.method, name);
  }
  return names;
}

/** "thread/queue/add" → "thread-queue-add", the stem of a scaffolded handler file. */
export function methodFileStem(method: string): string {
  const stem = method.replace(/\//g, "-");
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(stem)) {
    throw new Error(`method ${JSON.stringify(method)} cannot name a file: use letters, digits, "_", "-" and "/" only`);
  }
  return stem;
}

/** `"thread/queue/add"` as a string literal: method names only ever appear quoted in code. */
export function methodLiteral(method: string): ts.StringLiteral {
  return ts.factory.createStringLiteral(method);
}

/** Looks up the types the registry names, failing with the method's name when one is missing. */
export class TypeIndex {
  private readonly byId: ReadonlyMap<TypeId, NamedType>;

  constructor(model: ProtocolModel) {
    this.byId = new Map(model.types.map((type) => [type.id, type]));
  }

  get(id: TypeId, spec: MethodSpec): NamedType {
    const type = this.byId.get(id);
    if (type === undefined) {
      throw new Error(`method ${JSON.stringify(spec.method)} (${spec.source.file}) refers to type ${JSON.stringify(id)}, which the model does not define`);
    }
    return type;
  }

  /** The params and result types of `methods`, for planning imports. */
  typesOf(methods: readonly MethodSpec[]): NamedType[] {
    return methods.flatMap((spec) =>
      [spec.params, spec.result].flatMap((id) => (id === null ? [] : [this.get(id, spec)])),
    );
  }
}
