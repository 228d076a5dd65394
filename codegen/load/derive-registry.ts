import type { SchemaError } from "../errors.js";
import type { MessageDirection, MethodKind, MethodSpec, TypeId } from "../model/model.js";
import { sameSchemaContent, schemaContentKey } from "./canonical-json.js";
import { isJsonObject, joinPointer, parsePointer } from "./json-pointer.js";
import type { RefResolver, SchemaLocation } from "./rewrite-refs.js";
import { identifierProblem } from "./identifiers.js";
import { typeIdOf, type TypeCandidate } from "./type-candidate.js";

interface UnionSpec {
  readonly name: string;
  readonly kind: MethodKind;
  readonly direction: MessageDirection;
}

/** The per-method unions derivation reads, in the root namespace, and what each one lists. */
export const derivationUnions: readonly UnionSpec[] = [
  { name: "ClientRequest", kind: "request", direction: "clientToServer" },
  { name: "ClientNotification", kind: "notification", direction: "clientToServer" },
  { name: "ServerRequest", kind: "request", direction: "serverToClient" },
  { name: "ServerNotification", kind: "notification", direction: "serverToClient" },
];

export const derivedSince = "upstream";

/** Inline params moved into a named type: the variant's params become a `$ref` to it. */
export interface HoistedParams {
  /** The type whose schema holds the inline params, and where (tokens from its root). */
  readonly owner: TypeId;
  readonly tokens: readonly string[];
  readonly params: TypeId;
}

export interface DerivedRegistry {
  readonly methods: MethodSpec[];
  readonly errors: SchemaError[];
  readonly warnings: SchemaError[];
  /** New named types for inline params (`<Variant>Params`), checked like any other type. */
  readonly hoistedTypes: TypeCandidate[];
  readonly hoisted: HoistedParams[];
}

/** A union member as derivation sees it: the schema, the type it is (if named), where it is. */
interface Variant {
  readonly schema: Record<string, unknown>;
  /** The named type the member refers to, or undefined for an inline member. */
  readonly type: TypeCandidate | undefined;
  /** `<name>` of `<name>Params` for hoisting and of `<base>Request` for pairing. */
  readonly name: string | undefined;
  readonly namespace: readonly string[];
  readonly location: SchemaLocation;
  /** Where the member sits in the union, for messages. */
  readonly memberPointer: string;
  /** The named type whose schema holds the variant (itself, or the union for an inline one). */
  readonly owner: TypeCandidate | undefined;
}

/**
 * The registry of a bundle without `x-protocol`, read off its `ClientRequest`,
 * `ClientNotification`, `ServerRequest` and `ServerNotification` unions (see README "Your own
 * protocol" for the table of shapes). A variant derivation cannot read is skipped with a
 * warning saying why and how to name the method with `--registry`; a missing union contributes
 * nothing.
 */
export function deriveRegistry(candidates: readonly TypeCandidate[], resolveRef: RefResolver): DerivedRegistry {
  const derivation = new Derivation(candidates, resolveRef);
  for (const union of derivationUnions) derivation.readUnion(union);
  return derivation.result();
}

class Derivation {
  private readonly byId: Map<TypeId, TypeCandidate>;
  private readonly methods: MethodSpec[] = [];
  private readonly errors: SchemaError[] = [];
  private readonly warnings: SchemaError[] = [];
  private readonly hoistedTypes: TypeCandidate[] = [];
  private readonly hoisted: HoistedParams[] = [];
  private namedBySchema: Map<string, TypeId> | undefined;

  constructor(private readonly candidates: readonly TypeCandidate[], private readonly resolveRef: RefResolver) {
    this.byId = new Map(candidates.map((c) => [c.id, c]));
  }

  result(): DerivedRegistry {
    return { methods: this.methods, errors: this.errors, warnings: this.warnings, hoistedTypes: this.hoistedTypes, hoisted: this.hoisted };
  }

  readUnion(union: UnionSpec): void {
    const candidate = this.byId.get(union.name);
    if (!candidate) return;
    const { document, pointer } = candidate.location;
    const keyword = Array.isArray(candidate.schema["oneOf"]) ? "oneOf" : Array.isArray(candidate.schema["anyOf"]) ? "anyOf" : undefined;
    if (keyword === undefined) {
      this.warn(candidate.location, `${union.name} is not a oneOf or anyOf of method variants, so no ${union.kind}s were derived from it; list them with --registry`);
      return;
    }
    (candidate.schema[keyword] as unknown[]).forEach((member, index) => {
      const memberLocation = { document, pointer: joinPointer(pointer, keyword, index) };
      const variant = this.variantOf(member, memberLocation, candidate);
      if (variant) this.readVariant(variant, union);
    });
  }

  private variantOf(member: unknown, location: SchemaLocation, union: TypeCandidate): Variant | undefined {
    if (!isJsonObject(member)) {
      this.warn(location, `a ${union.name} variant must be a schema object; skipped`);
      return undefined;
    }
    const ref = member["$ref"];
    if (typeof ref === "string") {
      const target = this.resolveRef(ref, location);
      // An unresolvable ref is reported where every ref is, when the union itself is rewritten.
      if (target.kind === "unresolvable") return undefined;
      if (target.kind === "type") {
        const type = this.byId.get(target.id);
        if (!type) return undefined;
        return { schema: type.schema, type, name: type.name, namespace: type.namespace, location: type.location, memberPointer: location.pointer, owner: type };
      }
      if (!isJsonObject(target.value)) return undefined;
      // A fragment is inlined wherever it is used, so there is no one place to point at a hoisted type.
      return { schema: target.value, type: undefined, name: undefined, namespace: union.namespace, location: target.location, memberPointer: location.pointer, owner: undefined };
    }
    const title = member["title"];
    const name = typeof title === "string" && identifierProblem(title) === undefined ? title : undefined;
    return { schema: member, type: undefined, name, namespace: union.namespace, location, memberPointer: location.pointer, owner: union };
  }

  private readVariant(variant: Variant, union: UnionSpec): void {
    const shape = this.variantShape(variant.schema, variant.location, 0);
    const methodNames = methodNamesOf(shape.properties.get("method")?.schema);
    if (methodNames === undefined) {
      this.warn(
        { document: variant.location.document, pointer: variant.memberPointer },
        `cannot tell which method this ${union.name} variant is (expected properties.method to be {"const": "name"} or {"enum": ["name"]}); skipped, name it with --registry`,
      );
      return;
    }
    for (const method of methodNames) {
      const params = this.paramsOf(shape.properties.get("params"), variant, union, method);
      if (params === "skip") continue;
      const description = typeof variant.schema["description"] === "string" ? variant.schema["description"] : "";
      this.methods.push({
        method,
        kind: union.kind,
        direction: union.direction,
        params: params.id,
        ...(params.id !== null && !shape.required.has("params") ? { paramsOptional: true } : {}),
        result: union.kind === "request" ? this.pairedResult(params.pairedWith, variant) : null,
        experimental: false,
        since: derivedSince,
        description,
        source: { file: variant.location.document.file, pointer: variant.location.pointer },
      });
    }
  }

  /**
   * The variant's properties and required names, its own first, then those its `allOf`
   * branches add (inline or named), so `allOf: [{$ref: "Request"}, {properties: {method}}]`
   * reads like a flat object.
   */
  private variantShape(schema: Record<string, unknown>, location: SchemaLocation, depth: number): VariantShape {
    const shape: VariantShape = { properties: new Map(), required: new Set() };
    const properties = schema["properties"];
    if (isJsonObject(properties)) {
      for (const [name, value] of Object.entries(properties)) {
        shape.properties.set(name, { schema: value, location: { document: location.document, pointer: joinPointer(location.pointer, "properties", name) } });
      }
    }
    if (Array.isArray(schema["required"])) for (const name of schema["required"]) if (typeof name === "string") shape.required.add(name);
    const branches = depth < 4 && Array.isArray(schema["allOf"]) ? schema["allOf"] : [];
    branches.forEach((branch, index) => {
      const branchLocation = { document: location.document, pointer: joinPointer(location.pointer, "allOf", index) };
      const resolved = this.resolveBranch(branch, branchLocation);
      if (!resolved) return;
      const inner = this.variantShape(resolved.schema, resolved.location, depth + 1);
      for (const [name, property] of inner.properties) if (!shape.properties.has(name)) shape.properties.set(name, property);
      for (const name of inner.required) shape.required.add(name);
    });
    return shape;
  }

  private resolveBranch(branch: unknown, location: SchemaLocation): { schema: Record<string, unknown>; location: SchemaLocation } | undefined {
    if (!isJsonObject(branch)) return undefined;
    const ref = branch["$ref"];
    if (typeof ref !== "string") return { schema: branch, location };
    const target = this.resolveRef(ref, location);
    if (target.kind === "type") {
      const type = this.byId.get(target.id);
      return type ? { schema: type.schema, location: type.location } : undefined;
    }
    return target.kind === "fragment" && isJsonObject(target.value) ? { schema: target.value, location: target.location } : undefined;
  }

  /**
   * The params type of a variant: a `$ref` names it; no params or `{"type": "null"}` is none;
   * a nullable wrapper `anyOf: [{$ref}, {type: "null"}]` is the named type with that very
   * schema (upstream's `Nullable_X`); anything else is inline and becomes a type of its own,
   * `<Variant>Params` (a type of that name with the same schema is reused).
   */
  private paramsOf(property: Property | undefined, variant: Variant, union: UnionSpec, method: string): { id: TypeId | null; pairedWith: TypeId | undefined } | "skip" {
    if (property === undefined || isNullSchema(property.schema)) return { id: null, pairedWith: undefined };
    const directRef = soleRef(property.schema);
    if (directRef !== undefined) {
      const target = this.resolveRef(directRef, property.location);
      if (target.kind === "type") return { id: target.id, pairedWith: target.id };
      if (target.kind === "unresolvable") return "skip"; // reported when the variant's type is rewritten
    }
    const innerRef = nullableRefOf(property.schema);
    const inner = innerRef === undefined ? undefined : this.resolveRef(innerRef, property.location);
    const pairedWith = inner?.kind === "type" ? inner.id : undefined;
    // Only for the nullable wrapper: any other inline schema is named after its variant, even
    // when some unrelated type happens to have the same text.
    const named = pairedWith === undefined ? undefined : this.namedTypeWithSchema(property.schema);
    if (named !== undefined) return { id: named, pairedWith: pairedWith ?? named };
    const hoisted = this.hoist(property, variant, union, method);
    return hoisted === undefined ? "skip" : { id: hoisted, pairedWith: pairedWith ?? hoisted };
  }

  private hoist(property: Property, variant: Variant, union: UnionSpec, method: string): TypeId | undefined {
    const base = variant.name ?? `${pascalCase(method)}${union.kind === "request" ? "Request" : "Notification"}`;
    const name = `${base}Params`;
    const id = typeIdOf(variant.namespace, name);
    const problem = identifierProblem(name);
    if (problem !== undefined) {
      this.warn(property.location, `the inline params of "${method}" cannot become a named type: ${problem}; "${method}" was skipped: give the variant a title that is an identifier, or move its params into definitions and $ref them`);
      return undefined;
    }
    const schema = isJsonObject(property.schema) ? property.schema : property.schema === false ? { not: {} } : {};
    const existing = this.byId.get(id);
    if (existing !== undefined && !sameSchemaContent(existing.schema, schema)) {
      this.warn(
        property.location,
        `the inline params of "${method}" would become the type ${id}, but ${existing.location.document.file}#${existing.location.pointer} already defines a different ${name}; "${method}" was skipped: move its params into definitions under another name and $ref them`,
      );
      return undefined;
    }
    if (existing === undefined) {
      const dialect = variant.owner?.dialect;
      const candidate: TypeCandidate = { id, name, namespace: variant.namespace, schema, location: property.location, ...(dialect ? { dialect } : {}) };
      this.byId.set(id, candidate);
      this.hoistedTypes.push(candidate);
    }
    const owner = variant.owner;
    const tokens = owner === undefined || owner.location.document.key !== property.location.document.key ? undefined : relativeTokens(owner.location.pointer, property.location.pointer);
    if (owner !== undefined && tokens !== undefined) this.hoisted.push({ owner: owner.id, tokens, params: id });
    return id;
  }

  /**
   * `<X>Params → <X>Response` (upstream Codex) or `<X>Request → <X>Result` (MCP), in the namespace
   * of the params type or the variant; else null (unknown, answered as `unknown`).
   */
  private pairedResult(params: TypeId | undefined, variant: Variant): TypeId | null {
    const paramsType = params === undefined ? undefined : this.byId.get(params);
    const paramsBase = paramsType && paramsType.name.endsWith("Params") ? { namespace: paramsType.namespace, base: paramsType.name.slice(0, -"Params".length) } : undefined;
    const variantBase = variant.name?.endsWith("Request") ? { namespace: variant.namespace, base: variant.name.slice(0, -"Request".length) } : undefined;
    const tries: Array<[typeof paramsBase, string]> = [[paramsBase, "Response"], [variantBase, "Result"], [paramsBase, "Result"], [variantBase, "Response"]];
    for (const [from, suffix] of tries) {
      if (from === undefined || from.base === "") continue;
      const id = typeIdOf(from.namespace, from.base + suffix);
      if (this.byId.has(id) && !this.hoistedTypes.some((type) => type.id === id)) return id;
    }
    return null;
  }

  /** The named type whose schema equals an inline schema; the first by id when several do. */
  private namedTypeWithSchema(schema: unknown): TypeId | undefined {
    if (!this.namedBySchema) {
      this.namedBySchema = new Map();
      for (const candidate of [...this.candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        const key = schemaContentKey(candidate.schema);
        if (!this.namedBySchema.has(key)) this.namedBySchema.set(key, candidate.id);
      }
    }
    return this.namedBySchema.get(schemaContentKey(schema));
  }

  private warn(location: SchemaLocation, message: string): void {
    this.warnings.push({ file: location.document.file, pointer: location.pointer, message });
  }
}

interface Property {
  readonly schema: unknown;
  readonly location: SchemaLocation;
}

interface VariantShape {
  readonly properties: Map<string, Property>;
  readonly required: Set<string>;
}

/** `{"const": "m"}` → ["m"]; `{"enum": ["a", "b"]}` → both (one method each, same params). */
function methodNamesOf(schema: unknown): string[] | undefined {
  if (!isJsonObject(schema)) return undefined;
  if (typeof schema["const"] === "string" && schema["const"] !== "") return [schema["const"]];
  const values = schema["enum"];
  if (Array.isArray(values) && values.length > 0 && values.every((value) => typeof value === "string" && value !== "")) return values as string[];
  return undefined;
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

/** "tools/list_changed" → "ToolsListChanged". */
function pascalCase(method: string): string {
  return method
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** The tokens leading from `base` to `pointer` when `pointer` lies inside `base`. */
function relativeTokens(base: string, pointer: string): string[] | undefined {
  if (pointer !== base && !pointer.startsWith(`${base}/`)) return undefined;
  return parsePointer(pointer.slice(base.length));
}
