import type { SchemaError } from "../errors.js";
import type { MessageDirection, MethodKind, MethodSpec, TypeId } from "../model/model.js";
import { schemaContentKey } from "./canonical-json.js";
import { isJsonObject, joinPointer } from "./json-pointer.js";
import type { RefResolver, SchemaLocation } from "./rewrite-refs.js";
import { typeIdOf, type TypeCandidate } from "./type-candidate.js";

/** Upstream's per-method unions in the root namespace, and what each one lists. */
const unions: ReadonlyArray<{ name: string; kind: MethodKind; direction: MessageDirection }> = [
  { name: "ClientRequest", kind: "request", direction: "clientToServer" },
  { name: "ClientNotification", kind: "notification", direction: "clientToServer" },
  { name: "ServerRequest", kind: "request", direction: "serverToClient" },
  { name: "ServerNotification", kind: "notification", direction: "serverToClient" },
];

export const derivedSince = "upstream";

/**
 * The registry of a bundle without `x-protocol` (upstream's), read off its unions: each
 * `oneOf` variant is `{method: {enum: [name]}, params: {$ref} | absent | {type: "null"}}`.
 * Upstream pairs `<X>Params` with `<X>Response` in one namespace; a request whose pair does
 * not exist gets result null (unknown). A missing union contributes nothing.
 */
export function deriveRegistry(
  candidates: readonly TypeCandidate[],
  resolveRef: RefResolver,
): { methods: MethodSpec[]; errors: SchemaError[] } {
  const methods: MethodSpec[] = [];
  const errors: SchemaError[] = [];
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const findNamedType = namedTypeFinder(candidates);
  for (const union of unions) {
    const candidate = byId.get(union.name);
    if (!candidate) continue;
    const { document, pointer } = candidate.location;
    const variants = candidate.schema["oneOf"];
    if (!Array.isArray(variants)) {
      errors.push({ file: document.file, pointer, message: `${union.name} must be a oneOf of method variants to derive the registry from it` });
      continue;
    }
    variants.forEach((variant, index) => {
      const location = { document, pointer: joinPointer(pointer, "oneOf", index) };
      const spec = methodFromVariant(variant, union, location, resolveRef, findNamedType, byId, errors);
      if (spec) methods.push(spec);
    });
  }
  return { methods, errors };
}

function methodFromVariant(
  variant: unknown,
  union: { name: string; kind: MethodKind; direction: MessageDirection },
  location: SchemaLocation,
  resolveRef: RefResolver,
  findNamedType: (schema: unknown) => TypeId | undefined,
  byId: ReadonlyMap<TypeId, TypeCandidate>,
  errors: SchemaError[],
): MethodSpec | undefined {
  const file = location.document.file;
  const properties = isJsonObject(variant) && isJsonObject(variant["properties"]) ? variant["properties"] : undefined;
  const methodSchema = properties?.["method"];
  const methodEnum = isJsonObject(methodSchema) ? methodSchema["enum"] : undefined;
  const method = Array.isArray(methodEnum) ? methodEnum[0] : undefined;
  if (!properties || typeof method !== "string") {
    errors.push({
      file,
      pointer: location.pointer,
      message: `cannot tell which method this ${union.name} variant is: expected properties.method.enum[0] to be the method name`,
    });
    return undefined;
  }
  const paramsPointer = joinPointer(location.pointer, "properties", "params");
  const paramsSchema = properties["params"];
  let params: TypeId | null = null;
  let pairedParams: TypeId | undefined;
  if (paramsSchema !== undefined && !isNullSchema(paramsSchema)) {
    const directRef = soleRef(paramsSchema);
    const nullableRef = nullableRefOf(paramsSchema);
    if (directRef !== undefined) {
      const target = resolveRef(directRef, { document: location.document, pointer: paramsPointer });
      if (target.kind === "type") {
        params = target.id;
        pairedParams = target.id;
      }
    } else {
      const named = findNamedType(paramsSchema);
      if (named !== undefined) params = named;
      if (nullableRef !== undefined) {
        const target = resolveRef(nullableRef, { document: location.document, pointer: paramsPointer });
        if (target.kind === "type") pairedParams = target.id;
      }
    }
    if (params === null) {
      errors.push({
        file,
        pointer: paramsPointer,
        message: `the params of "${method}" are not a $ref to a named type: add the schema to definitions as a type and $ref it`,
      });
      return undefined;
    }
  }
  const description = isJsonObject(variant) && typeof variant["description"] === "string" ? variant["description"] : "";
  return {
    method,
    kind: union.kind,
    direction: union.direction,
    params,
    result: union.kind === "request" ? pairedResponse(pairedParams, byId) : null,
    experimental: false,
    since: derivedSince,
    description,
    source: { file, pointer: location.pointer },
  };
}

function pairedResponse(params: TypeId | undefined, byId: ReadonlyMap<TypeId, TypeCandidate>): TypeId | null {
  const candidate = params === undefined ? undefined : byId.get(params);
  if (!candidate || !candidate.name.endsWith("Params")) return null;
  const response = typeIdOf(candidate.namespace, candidate.name.slice(0, -"Params".length) + "Response");
  return byId.has(response) ? response : null;
}

function isNullSchema(schema: unknown): boolean {
  return schema === null || (isJsonObject(schema) && schema["type"] === "null");
}

function soleRef(schema: unknown): string | undefined {
  return isJsonObject(schema) && typeof schema["$ref"] === "string" ? schema["$ref"] : undefined;
}

/** The ref of `anyOf`/`oneOf: [{$ref}, {type: "null"}]`, schemars' `Option<T>` shape. */
function nullableRefOf(schema: unknown): string | undefined {
  if (!isJsonObject(schema)) return undefined;
  const alternatives = schema["anyOf"] ?? schema["oneOf"];
  if (!Array.isArray(alternatives) || alternatives.length !== 2) return undefined;
  const refs = alternatives.map(soleRef).filter((ref) => ref !== undefined);
  return refs.length === 1 && alternatives.some(isNullSchema) ? refs[0] : undefined;
}

/** Finds the named type whose schema equals an inline schema (upstream's `Nullable_X`). */
function namedTypeFinder(candidates: readonly TypeCandidate[]): (schema: unknown) => TypeId | undefined {
  let index: Map<string, TypeId> | undefined;
  return (schema) => {
    if (!index) {
      index = new Map();
      for (const candidate of [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        const key = schemaContentKey(candidate.schema);
        if (!index.has(key)) index.set(key, candidate.id);
      }
    }
    return index.get(schemaContentKey(schema));
  };
}
