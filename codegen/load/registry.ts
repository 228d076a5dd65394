import type { SchemaError } from "../errors.js";
import type { MessageDirection, MethodKind, MethodSpec, TypeId } from "../model/model.js";
import { isJsonObject, joinPointer } from "./json-pointer.js";
import { parseErrorAnswers } from "./registry-extras.js";

/**
 * Reads a method registry (protocol.json, or a bundle's `x-protocol`) into MethodSpecs.
 * protocol.json is also checked against protocol.schema.json; these checks are what the
 * model needs, so a bundle's registry gets the same guarantees without that file.
 */
export function parseRegistry(
  registry: unknown,
  file: string,
  pointer: string,
): { methods: MethodSpec[]; errors: SchemaError[] } {
  const methods: MethodSpec[] = [];
  const errors: SchemaError[] = [];
  if (!isJsonObject(registry)) {
    errors.push({ file, pointer, message: "the method registry must be an object with `requests` and `notifications` arrays" });
    return { methods, errors };
  }
  const parts: Array<[string, MethodKind]> = [["requests", "request"], ["notifications", "notification"]];
  for (const [member, kind] of parts) {
    const entries = registry[member];
    const entriesPointer = joinPointer(pointer, member);
    if (!Array.isArray(entries)) {
      errors.push({ file, pointer: entriesPointer, message: `\`${member}\` must be an array of ${kind} entries` });
      continue;
    }
    entries.forEach((entry, index) => {
      const spec = parseEntry(entry, kind, file, joinPointer(entriesPointer, index), errors);
      if (spec) methods.push(spec);
    });
  }
  return { methods, errors };
}

function parseEntry(
  entry: unknown,
  kind: MethodKind,
  file: string,
  pointer: string,
  errors: SchemaError[],
): MethodSpec | undefined {
  if (!isJsonObject(entry)) {
    errors.push({ file, pointer, message: `a ${kind} entry must be an object` });
    return undefined;
  }
  const before = errors.length;
  const field = (name: string, check: (value: unknown) => boolean, expected: string): unknown => {
    const value = entry[name];
    if (!check(value)) {
      errors.push({ file, pointer: joinPointer(pointer, name), message: `\`${name}\` must be ${expected}` });
    }
    return value;
  };
  const isString = (value: unknown): boolean => typeof value === "string" && value.length > 0;
  const isTypeIdOrNull = (value: unknown): boolean => value === null || isString(value);
  const method = field("method", isString, "the wire method name, e.g. \"thread/queue/add\"");
  const direction = field(
    "messageDirection",
    (value) => value === "clientToServer" || value === "serverToClient",
    "\"clientToServer\" or \"serverToClient\"",
  );
  const params = field("params", isTypeIdOrNull, "a type id (\"v2/ThreadQueueAddParams\") or null");
  const result =
    kind === "request"
      ? field("result", isTypeIdOrNull, "a type id (\"v2/ThreadQueueAddResponse\") or null when unknown")
      : null;
  const experimental = field("experimental", (value) => typeof value === "boolean", "true or false");
  const since = field("since", isString, "the protocol version that introduced the method, e.g. \"0.1.0\"");
  const description = field("description", (value) => typeof value === "string", "a string");
  const answers = kind === "request" ? parseErrorAnswers(entry["errors"], file, joinPointer(pointer, "errors"), errors) : undefined;
  if (errors.length > before) return undefined;
  return {
    method: method as string,
    kind,
    direction: direction as MessageDirection,
    params: params as TypeId | null,
    result: result as TypeId | null,
    experimental: experimental as boolean,
    since: since as string,
    description: description as string,
    ...(answers ? { errors: answers } : {}),
    source: { file, pointer },
  };
}

/**
 * Registry entries must name existing types, and a method name may appear only once across
 * requests and notifications (the wire has one namespace of method names).
 */
export function checkRegistry(
  methods: readonly MethodSpec[],
  typeIds: ReadonlySet<TypeId>,
  whereTypeLives: (id: TypeId) => string,
): SchemaError[] {
  const errors: SchemaError[] = [];
  const firstByMethod = new Map<string, MethodSpec>();
  for (const spec of methods) {
    const first = firstByMethod.get(spec.method);
    if (first) {
      errors.push({
        file: spec.source.file,
        pointer: joinPointer(spec.source.pointer, "method"),
        message: `duplicate method "${spec.method}": already declared at ${first.source.file}#${first.source.pointer}; method names must be unique across requests and notifications`,
      });
    } else {
      firstByMethod.set(spec.method, spec);
    }
    for (const role of ["params", "result"] as const) {
      const id = spec[role];
      if (id !== null && !typeIds.has(id)) {
        errors.push({
          file: spec.source.file,
          pointer: joinPointer(spec.source.pointer, role),
          message: `${role} type "${id}" of "${spec.method}" does not exist: add ${whereTypeLives(id)} or fix the type id`,
        });
      }
    }
  }
  return errors;
}
