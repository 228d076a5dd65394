import type { SchemaError } from "../errors.js";
import type { MessageDirection, MethodError, MethodKind, MethodSpec, TypeId } from "../model/model.js";
import { isJsonObject, joinPointer } from "./json-pointer.js";
import { parseErrorAnswers } from "./registry-extras.js";

/**
 * One registry entry as written: every field but the method, its direction and its kind may
 * be missing in a `--registry` file, where an entry completes the method the source already
 * has (derived from the unions, or from protocol.json).
 */
interface RegistryEntry {
  readonly method: string;
  readonly kind: MethodKind;
  readonly direction: MessageDirection;
  readonly params?: TypeId | null;
  readonly paramsOptional?: boolean;
  readonly result?: TypeId | null;
  readonly experimental?: boolean;
  readonly since?: string;
  readonly description?: string;
  readonly errors?: readonly MethodError[];
  readonly source: { readonly file: string; readonly pointer: string };
}

type Parsed<T> = { entries: T[]; errors: SchemaError[] };

/**
 * Reads a method registry (protocol.json, or a bundle's `x-protocol`) into MethodSpecs.
 * protocol.json is also checked against its meta-schema; these checks are what the model
 * needs, so a bundle's registry gets the same guarantees without that file.
 */
export function parseRegistry(
  registry: unknown,
  file: string,
  pointer: string,
): { methods: MethodSpec[]; errors: SchemaError[] } {
  const { entries, errors } = readEntries(registry, file, pointer, false);
  return { methods: entries.map((entry) => completeEntry(entry, errors)).filter((spec) => spec !== undefined), errors };
}

/**
 * Applies a `--registry` file to the methods the source gave: an entry for a method the
 * source has (same method and direction) replaces the fields it names and keeps the others; an
 * entry for a new method adds it and must name its params (and result, for a request).
 */
export function overrideRegistry(
  methods: readonly MethodSpec[],
  registry: unknown,
  file: string,
): { methods: MethodSpec[]; errors: SchemaError[] } {
  const { entries, errors } = readEntries(registry, file, "", true);
  const byKey = new Map(methods.map((spec) => [methodKey(spec), spec]));
  for (const entry of entries) {
    const base = byKey.get(methodKey(entry));
    const spec = base === undefined || base.kind !== entry.kind ? completeEntry(entry, errors) : mergeEntry(base, entry);
    if (spec) byKey.set(methodKey(entry), spec);
  }
  return { methods: [...byKey.values()], errors };
}

function methodKey(spec: { readonly method: string; readonly direction: MessageDirection }): string {
  return `${spec.direction}\0${spec.method}`;
}

function mergeEntry(base: MethodSpec, entry: RegistryEntry): MethodSpec {
  const params = entry.params === undefined ? base.params : entry.params;
  const paramsOptional = params !== null && (entry.paramsOptional ?? (entry.params === undefined ? base.paramsOptional === true : false));
  const { paramsOptional: _dropped, ...rest } = base;
  return {
    ...rest,
    params,
    ...(paramsOptional ? { paramsOptional: true } : {}),
    result: base.kind === "request" ? (entry.result === undefined ? base.result : entry.result) : null,
    experimental: entry.experimental ?? base.experimental,
    since: entry.since ?? base.since,
    description: entry.description ?? base.description,
    ...(entry.errors !== undefined ? { errors: entry.errors } : base.errors !== undefined ? { errors: base.errors } : {}),
    source: entry.source,
  };
}

/** A full MethodSpec from an entry, or undefined (with errors) when a field it needs is missing. */
function completeEntry(entry: RegistryEntry, errors: SchemaError[]): MethodSpec | undefined {
  const needed: ReadonlyArray<"params" | "result"> = entry.kind === "request" ? ["params", "result"] : ["params"];
  const missing = needed.filter((name) => entry[name] === undefined);
  for (const name of missing) {
    errors.push({
      file: entry.source.file,
      pointer: joinPointer(entry.source.pointer, name),
      message: `\`${name}\` is required for "${entry.method}" (${entry.direction}): a type id or null`,
    });
  }
  if (missing.length > 0) return undefined;
  const params = entry.params ?? null;
  return {
    method: entry.method,
    kind: entry.kind,
    direction: entry.direction,
    params,
    ...(params !== null && entry.paramsOptional === true ? { paramsOptional: true } : {}),
    result: entry.kind === "request" ? (entry.result ?? null) : null,
    experimental: entry.experimental ?? false,
    since: entry.since ?? "",
    description: entry.description ?? "",
    ...(entry.errors === undefined ? {} : { errors: entry.errors }),
    source: entry.source,
  };
}

function readEntries(registry: unknown, file: string, pointer: string, partial: boolean): Parsed<RegistryEntry> {
  const entries: RegistryEntry[] = [];
  const errors: SchemaError[] = [];
  if (!isJsonObject(registry)) {
    errors.push({ file, pointer, message: "the method registry must be an object with `requests` and `notifications` arrays" });
    return { entries, errors };
  }
  const parts: Array<[string, MethodKind]> = [["requests", "request"], ["notifications", "notification"]];
  for (const [member, kind] of parts) {
    const list = registry[member];
    const listPointer = joinPointer(pointer, member);
    // A --registry file may complete one kind only.
    if (list === undefined && partial) continue;
    if (!Array.isArray(list)) {
      errors.push({ file, pointer: listPointer, message: `\`${member}\` must be an array of ${kind} entries` });
      continue;
    }
    list.forEach((entry, index) => {
      const parsed = parseEntry(entry, kind, file, joinPointer(listPointer, index), partial, errors);
      if (parsed) entries.push(parsed);
    });
  }
  return { entries, errors };
}

const isString = (value: unknown): boolean => typeof value === "string" && value.length > 0;
const isTypeIdOrNull = (value: unknown): boolean => value === null || isString(value);
const isBoolean = (value: unknown): boolean => typeof value === "boolean";

function parseEntry(
  entry: unknown,
  kind: MethodKind,
  file: string,
  pointer: string,
  partial: boolean,
  errors: SchemaError[],
): RegistryEntry | undefined {
  if (!isJsonObject(entry)) {
    errors.push({ file, pointer, message: `a ${kind} entry must be an object` });
    return undefined;
  }
  const before = errors.length;
  /** The field's value; a missing field is an error unless it is optional here. */
  const field = (name: string, check: (value: unknown) => boolean, expected: string, optional: boolean): unknown => {
    const value = entry[name];
    if (value === undefined && optional) return undefined;
    if (!check(value)) errors.push({ file, pointer: joinPointer(pointer, name), message: `\`${name}\` must be ${expected}` });
    return value;
  };
  const method = field("method", isString, "the wire method name, e.g. \"thread/queue/add\"", false);
  const direction = field(
    "messageDirection",
    (value) => value === "clientToServer" || value === "serverToClient",
    "\"clientToServer\" or \"serverToClient\"",
    false,
  );
  const params = field("params", isTypeIdOrNull, "a type id (\"v2/ThreadQueueAddParams\") or null", partial);
  const paramsOptional = field("paramsOptional", isBoolean, "true (a peer may leave the params out) or false", true);
  const result =
    kind === "request" ? field("result", isTypeIdOrNull, "a type id (\"v2/ThreadQueueAddResponse\") or null when unknown", partial) : undefined;
  const experimental = field("experimental", isBoolean, "true or false", partial);
  const since = field("since", isString, "the protocol version that introduced the method, e.g. \"0.1.0\"", partial);
  const description = field("description", (value) => typeof value === "string", "a string", partial);
  if (kind === "notification" && "result" in entry) {
    errors.push({ file, pointer: joinPointer(pointer, "result"), message: "a notification has no result; remove `result` or list the method under `requests`" });
  }
  const answers = kind === "request" ? parseErrorAnswers(entry["errors"], file, joinPointer(pointer, "errors"), errors) : undefined;
  if (errors.length > before) return undefined;
  return {
    method: method as string,
    kind,
    direction: direction as MessageDirection,
    ...(params === undefined ? {} : { params: params as TypeId | null }),
    ...(paramsOptional === undefined ? {} : { paramsOptional: paramsOptional as boolean }),
    ...(result === undefined ? {} : { result: result as TypeId | null }),
    ...(experimental === undefined ? {} : { experimental: experimental as boolean }),
    ...(since === undefined ? {} : { since: since as string }),
    ...(description === undefined ? {} : { description: description as string }),
    ...(answers === undefined ? {} : { errors: answers }),
    source: { file, pointer },
  };
}

/**
 * Registry entries must name existing types; a method name appears once per direction (the
 * wire has one namespace of method names per sender). A method both peers send (MCP's
 * `ping`) must be the same kind, flag and release in both directions, because generated
 * code describes it with one `methodInfo` entry.
 */
export function checkRegistry(
  methods: readonly MethodSpec[],
  typeIds: ReadonlySet<TypeId>,
  whereTypeLives: (id: TypeId) => string,
): SchemaError[] {
  const errors: SchemaError[] = [];
  const firstByKey = new Map<string, MethodSpec>();
  const firstByMethod = new Map<string, MethodSpec>();
  for (const spec of methods) {
    const at = (field: string): { file: string; pointer: string } => ({ file: spec.source.file, pointer: joinPointer(spec.source.pointer, field) });
    const first = firstByKey.get(methodKey(spec));
    const other = firstByMethod.get(spec.method);
    if (first) {
      errors.push({
        ...at("method"),
        message: `duplicate method "${spec.method}" (${spec.direction}): already declared at ${first.source.file}#${first.source.pointer}; a method name appears once per direction`,
      });
    } else if (other && other.direction !== spec.direction) {
      const differs = (["kind", "experimental", "since"] as const).filter((field) => other[field] !== spec[field]);
      if (differs.length > 0) {
        errors.push({
          ...at(differs[0] === "kind" ? "method" : (differs[0] ?? "method")),
          message: `"${spec.method}" exists in both directions with a different ${differs.join(", ")} (${at("").file}#${spec.source.pointer} and ${other.source.file}#${other.source.pointer}); declare it the same way in both`,
        });
      }
    }
    if (!first) firstByKey.set(methodKey(spec), spec);
    if (!other) firstByMethod.set(spec.method, spec);
    for (const role of ["params", "result"] as const) {
      const id = spec[role];
      if (id !== null && !typeIds.has(id)) {
        errors.push({
          ...at(role),
          message: `${role} type "${id}" of "${spec.method}" does not exist: add ${whereTypeLives(id)} or fix the type id`,
        });
      }
    }
  }
  return errors;
}
