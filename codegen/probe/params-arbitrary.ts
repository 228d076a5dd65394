/**
 * JSON Schema (draft-07, as the loader normalises it) → fast-check arbitraries of params
 * templates, each carrying the places where a targeted mutation makes it invalid.
 *
 * Our own mapping rather than a schema-to-arbitrary library: the one written for fast-check
 * (json-schema-fast-check 0.0.6) pins fast-check 1.x and has not moved since, and
 * json-schema-faker draws its own randomness, so fast-check could neither replay nor shrink
 * what it makes. Walking the loaded model also gives the two things no library offers: pool
 * holes for fields the server hands out, and the mutation sites of each generated value.
 *
 * The mapping does not have to be exact: the probe classifies every message it sends with the
 * protocol's own validator, so a value the mapping gets wrong is still judged correctly.
 */
import fc from "fast-check";
import { numericFormat } from "../formats/index.js";
import { isJsonObject } from "../load/json-pointer.js";
import { typeIdFromRef, type JsonSchema, type JsonSchemaObject, type NamedType, type ProtocolModel, type TypeId } from "../model/model.js";
import { PoolRef, sitesUnder, type Generated, type JsonKind, type MutationSite, type PoolKind, type Template } from "./template.js";

export interface GeneratorLimits {
  /** Nesting (objects and arrays) beyond which optional members are left out and arrays kept short. */
  readonly softDepth: number;
  /** Nesting at which a schema that still requires more is given up on. */
  readonly hardDepth: number;
  readonly maxItems: number;
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: GeneratorLimits = { softDepth: 4, hardDepth: 14, maxItems: 3, maxStringLength: 12 };

/** A schema the generator cannot produce a value for (e.g. `false`, or unbounded required recursion). */
export class UngeneratableSchemaError extends Error {
  override readonly name = "UngeneratableSchemaError";
}

interface At {
  readonly depth: number;
  /** The property the value sits under (array items: its singular), used as the pool key. */
  readonly key: string | undefined;
}

const ANNOTATIONS = new Set(["title", "description", "$comment", "examples", "default", "$schema", "readOnly", "writeOnly", "deprecated"]);

const PROBE_ENUM_VALUE = "probe-unknown-enum-value";
export const PROBE_EXTRA_PROPERTY = "probeUnknownProperty";

export class ParamsArbitraries {
  private readonly types: ReadonlyMap<TypeId, NamedType>;
  private readonly memo = new Map<string, fc.Arbitrary<Generated>>();

  constructor(
    model: ProtocolModel,
    private readonly limits: GeneratorLimits = DEFAULT_LIMITS,
  ) {
    this.types = new Map(model.types.map((type) => [type.id, type]));
  }

  /** The arbitrary for one named type's values; throws UngeneratableSchemaError. */
  forType(typeId: TypeId): fc.Arbitrary<Generated> {
    return this.named(typeId, { depth: 0, key: undefined });
  }

  private named(typeId: TypeId, at: At): fc.Arbitrary<Generated> {
    const depthClass = at.depth >= this.limits.softDepth ? at.depth : -1;
    const memoKey = `${typeId}\u0000${depthClass}\u0000${at.key ?? ""}`;
    const cached = this.memo.get(memoKey);
    if (cached !== undefined) return cached;
    const type = this.types.get(typeId);
    if (type === undefined) throw new UngeneratableSchemaError(`no type ${typeId}`);
    const built = this.build(type.schema, at);
    this.memo.set(memoKey, built);
    return built;
  }

  private build(schema: JsonSchema, at: At): fc.Arbitrary<Generated> {
    if (schema === true) return anyJson();
    if (schema === false) throw new UngeneratableSchemaError("the schema `false` admits no value");
    if (typeof schema.$ref === "string") {
      const id = typeIdFromRef(schema.$ref);
      if (id === undefined) throw new UngeneratableSchemaError(`unresolved $ref ${schema.$ref}`);
      return this.named(id, at);
    }
    if (Array.isArray(schema.allOf)) return this.build(this.mergeAllOf(schema), at);
    const union = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
    if (union !== undefined) return this.union(schema, union as JsonSchema[], at);
    if (Array.isArray(schema.enum)) return enumArbitrary(schema.enum as unknown[]);
    if (Object.hasOwn(schema, "const")) return fc.constant({ template: schema.const as Template, sites: [] });
    const types = declaredTypes(schema);
    if (types.length === 0) return anyJson();
    if (types.length === 1) return this.single(types[0]!, schema, at);
    return fc.oneof(...types.map((kind) => this.single(kind, schema, at)));
  }

  private single(kind: JsonKind, schema: JsonSchemaObject, at: At): fc.Arbitrary<Generated> {
    switch (kind) {
      case "null":
        return fc.constant({ template: null, sites: [wrongType(["null"])] });
      case "boolean":
        return fc.boolean().map((value) => ({ template: value, sites: [wrongType(["boolean"])] }));
      case "string":
        return pooled(at.key, "string", stringArbitrary(schema, this.limits), [wrongType(["string"])]);
      case "integer":
      case "number":
        return this.numeric(kind, schema, at);
      case "array":
        return this.array(schema, at);
      case "object":
        return this.object(schema, at);
    }
  }

  private numeric(kind: "integer" | "number", schema: JsonSchemaObject, at: At): fc.Arbitrary<Generated> {
    const bounds = numericBounds(schema, kind);
    if (bounds.min > bounds.max) throw new UngeneratableSchemaError(`no ${kind} lies in ${bounds.min}..${bounds.max}`);
    const allowed: JsonKind[] = kind === "integer" ? ["integer"] : ["integer", "number"];
    const sites: MutationSite[] = [wrongType(allowed), ...bounds.outside.map((o) => ({ kind: "out-of-range" as const, path: [], value: o.value, rule: o.rule }))];
    const values = fc.oneof(
      { weight: 2, arbitrary: kind === "integer" ? fc.integer({ min: bounds.min, max: bounds.max }) : fc.double({ min: bounds.min, max: bounds.max, noNaN: true, noDefaultInfinity: true }) },
      // The edges of the range, where off-by-one and division-by-zero bugs live.
      { weight: 1, arbitrary: fc.constantFrom(...edges(bounds)) },
    );
    return pooled(at.key, kind, values, sites);
  }

  private array(schema: JsonSchemaObject, at: At): fc.Arbitrary<Generated> {
    const inner: At = { depth: at.depth + 1, key: at.key === undefined ? undefined : singular(at.key) };
    const own = [wrongType(["array"])];
    if (inner.depth > this.limits.hardDepth) throw new UngeneratableSchemaError("arrays nested too deep");
    if (Array.isArray(schema.items)) {
      const parts = (schema.items as JsonSchema[]).map((item) => this.build(item, inner));
      return fc.tuple(...parts).map((items) => combineArray(items, own));
    }
    const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
    const cap = at.depth >= this.limits.softDepth ? minItems : Math.max(minItems, this.limits.maxItems);
    const maxItems = Math.min(typeof schema.maxItems === "number" ? schema.maxItems : cap, cap);
    const itemSchema = (schema.items ?? true) as JsonSchema;
    if (maxItems === 0) return fc.constant({ template: [], sites: own });
    const item = this.build(itemSchema, inner);
    const list =
      schema.uniqueItems === true
        ? fc.uniqueArray(item, { minLength: minItems, maxLength: maxItems, selector: (g) => JSON.stringify(g.template) })
        : fc.array(item, { minLength: minItems, maxLength: maxItems });
    const generated = list.map((items) => combineArray(items, own));
    // A list of ids the server handed out (every visible queued turn, for a reorder) is
    // rarely hit by chance; the pool keeps whole lists too.
    if (at.key === undefined || !this.isPrimitive(itemSchema)) return generated;
    return fc.oneof(
      generated,
      fc.record({ pick: poolPick(), fallback: generated }).map(({ pick, fallback }) => ({
        template: new PoolRef(at.key!, "array", pick, fallback.template),
        sites: own,
      })),
    );
  }

  private object(schema: JsonSchemaObject, at: At): fc.Arbitrary<Generated> {
    const depth = at.depth + 1;
    if (depth > this.limits.hardDepth) throw new UngeneratableSchemaError("objects nested too deep");
    const properties = isJsonObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const deep = depth > this.limits.softDepth;
    const members: Record<string, fc.Arbitrary<Generated>> = {};
    for (const name of required) members[name] = this.build(properties[name] ?? true, { depth, key: name });
    if (!deep) {
      for (const [name, property] of Object.entries(properties)) {
        if (Object.hasOwn(members, name)) continue;
        try {
          members[name] = this.build(property, { depth, key: name });
        } catch (error) {
          // An optional member the generator cannot fill is simply left out.
          if (!(error instanceof UngeneratableSchemaError)) throw error;
        }
      }
    }
    const own: MutationSite[] = [wrongType(["object"])];
    for (const name of required) own.push({ kind: "missing-required", path: [], property: name });
    if (schema.additionalProperties === false && !Object.hasOwn(properties, PROBE_EXTRA_PROPERTY)) {
      own.push({ kind: "extra-property", path: [], property: PROBE_EXTRA_PROPERTY });
    }
    const record = fc.record(members, { requiredKeys: required.filter((name) => Object.hasOwn(members, name)) });
    const extras = this.extraMembers(schema.additionalProperties, properties, depth, deep);
    return fc.tuple(record, extras).map(([chosen, extra]) => {
      const template: Record<string, Template> = {};
      const sites = [...own];
      for (const [name, value] of [...Object.entries(chosen), ...extra]) {
        if (value === undefined) continue;
        template[name] = value.template;
        sites.push(...sitesUnder(name, value.sites));
      }
      return { template, sites };
    });
  }

  /** Entries of a map type (`additionalProperties: {schema}`): a few, never a declared name. */
  private extraMembers(
    additional: unknown,
    properties: Record<string, JsonSchema>,
    depth: number,
    deep: boolean,
  ): fc.Arbitrary<[string, Generated][]> {
    if (deep || !isJsonObject(additional)) return fc.constant([]);
    const value = this.build(additional as JsonSchemaObject, { depth, key: undefined });
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((name) => !Object.hasOwn(properties, name));
    return fc.uniqueArray(fc.tuple(key, value), { maxLength: 2, selector: ([name]) => name });
  }

  private union(schema: JsonSchemaObject, branches: readonly JsonSchema[], at: At): fc.Arbitrary<Generated> {
    const siblings = withoutKeys(schema, ["oneOf", "anyOf"]);
    const hasSiblings = Object.keys(siblings).some((key) => !ANNOTATIONS.has(key));
    const built: fc.Arbitrary<Generated>[] = [];
    let lastError: UngeneratableSchemaError | undefined;
    for (const branch of branches) {
      const merged = hasSiblings ? this.merge(siblings, branch) : branch;
      try {
        built.push(this.build(merged, at));
      } catch (error) {
        if (!(error instanceof UngeneratableSchemaError)) throw error;
        lastError = error;
      }
    }
    if (built.length === 0) throw lastError ?? new UngeneratableSchemaError("a union without branches");
    return built.length === 1 ? built[0]! : fc.oneof(...built);
  }

  private mergeAllOf(schema: JsonSchemaObject): JsonSchemaObject {
    let merged = withoutKeys(schema, ["allOf"]);
    for (const part of schema.allOf as JsonSchema[]) merged = this.merge(merged, part);
    return merged;
  }

  /** Both schemas at once, as far as generation needs: properties, required and type combined. */
  private merge(base: JsonSchemaObject, extra: JsonSchema): JsonSchemaObject {
    if (extra === true) return base;
    if (extra === false) return { not: {} };
    const resolved = this.deref(extra);
    const out: JsonSchemaObject = { ...resolved, ...base };
    const baseProperties = isJsonObject(base.properties) ? base.properties : {};
    const extraProperties = isJsonObject(resolved.properties) ? resolved.properties : {};
    if (isJsonObject(base.properties) || isJsonObject(resolved.properties)) out.properties = { ...extraProperties, ...baseProperties };
    const required = [...asStrings(base.required), ...asStrings(resolved.required)];
    if (required.length > 0) out.required = [...new Set(required)];
    for (const keyword of ["oneOf", "anyOf", "allOf", "enum", "const", "items", "additionalProperties"]) {
      if (Object.hasOwn(resolved, keyword) && !Object.hasOwn(base, keyword)) out[keyword] = resolved[keyword];
    }
    return out;
  }

  private isPrimitive(schema: JsonSchema): boolean {
    if (typeof schema === "boolean") return false;
    const types = declaredTypes(this.deref(schema));
    return types.length > 0 && types.every((kind) => kind === "string" || kind === "integer" || kind === "number");
  }

  private deref(schema: JsonSchemaObject): JsonSchemaObject {
    let current = schema;
    for (let hops = 0; typeof current.$ref === "string" && hops < 32; hops++) {
      const id = typeIdFromRef(current.$ref);
      const type = id === undefined ? undefined : this.types.get(id);
      if (type === undefined) throw new UngeneratableSchemaError(`unresolved $ref ${current.$ref}`);
      current = type.schema;
    }
    return current;
  }
}

function wrongType(allowed: readonly JsonKind[]): MutationSite {
  return { kind: "wrong-type", path: [], allowed };
}

/** Offers a value the server handed out under the same field name, before a generated one. */
function pooled(key: string | undefined, kind: PoolKind, values: fc.Arbitrary<Template>, sites: readonly MutationSite[]): fc.Arbitrary<Generated> {
  const plain = values.map((template) => ({ template, sites }));
  if (key === undefined) return plain;
  const fromPool = fc
    .record({ pick: poolPick(), fallback: values })
    .map(({ pick, fallback }) => ({ template: new PoolRef(key, kind, pick, fallback), sites }));
  return fc.oneof({ weight: 3, arbitrary: fromPool }, { weight: 1, arbitrary: plain });
}

/**
 * Mostly the most recent value: two fields that must agree (`threadId` and
 * `turnStartParams.threadId`) then usually do; sometimes an older one.
 */
function poolPick(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 7 }) });
}

function combineArray(items: readonly Generated[], own: readonly MutationSite[]): Generated {
  const sites = [...own];
  items.forEach((item, index) => sites.push(...sitesUnder(index, item.sites)));
  return { template: items.map((item) => item.template), sites };
}

function enumArbitrary(values: readonly unknown[]): fc.Arbitrary<Generated> {
  if (values.length === 0) throw new UngeneratableSchemaError("an empty enum admits no value");
  const kinds = [...new Set(values.map(kindOfConstant))];
  const sites: MutationSite[] = [wrongType(kinds)];
  if (values.every((value) => typeof value === "string") && !values.includes(PROBE_ENUM_VALUE)) {
    sites.push({ kind: "unknown-enum", path: [], value: PROBE_ENUM_VALUE });
  }
  return fc.constantFrom(...(values as Template[])).map((template) => ({ template, sites }));
}

function kindOfConstant(value: unknown): JsonKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value === "object" ? "object" : (typeof value as "string" | "boolean");
}

const JSON_KINDS: readonly JsonKind[] = ["null", "boolean", "integer", "number", "string", "array", "object"];

function declaredTypes(schema: JsonSchemaObject): JsonKind[] {
  const declared = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (declared !== undefined) return declared.filter((kind): kind is JsonKind => (JSON_KINDS as readonly string[]).includes(kind));
  if (isJsonObject(schema.properties) || Array.isArray(schema.required) || Object.hasOwn(schema, "additionalProperties")) return ["object"];
  if (Object.hasOwn(schema, "items")) return ["array"];
  return [];
}

function anyJson(): fc.Arbitrary<Generated> {
  return fc.jsonValue({ maxDepth: 2 }).map((value) => ({ template: value as Template, sites: [] }));
}

function stringArbitrary(schema: JsonSchemaObject, limits: GeneratorLimits): fc.Arbitrary<string> {
  if (typeof schema.pattern === "string") {
    try {
      return fc.stringMatching(new RegExp(schema.pattern, "u"));
    } catch {
      // A pattern JavaScript cannot compile: plain strings, which the validator then judges.
    }
  }
  const byFormat = typeof schema.format === "string" ? formatArbitrary(schema.format) : undefined;
  if (byFormat !== undefined) return byFormat;
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = Math.max(minLength, Math.min(typeof schema.maxLength === "number" ? schema.maxLength : Infinity, minLength + limits.maxStringLength));
  // Mostly printable ASCII, sometimes any Unicode (never a lone surrogate: JSON text with one
  // is not valid UTF-8, which would test the peer's JSON reader rather than the protocol).
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength, maxLength }) },
  );
}

function formatArbitrary(format: string): fc.Arbitrary<string> | undefined {
  switch (format) {
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString());
    case "date":
      return fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case "uri":
    case "url":
      return fc.webUrl();
    case "email":
      return fc.emailAddress();
    case "hostname":
      return fc.domain();
    case "ipv4":
      return fc.ipV4();
    case "ipv6":
      return fc.ipV6();
    default:
      return undefined;
  }
}

interface NumericBounds {
  readonly min: number;
  readonly max: number;
  /** Values just and far outside the declared range, with the rule each one breaks. */
  readonly outside: readonly { readonly value: number; readonly rule: string }[];
}

function numericBounds(schema: JsonSchemaObject, kind: "integer" | "number"): NumericBounds {
  let min = kind === "integer" ? Number.MIN_SAFE_INTEGER : -1e15;
  let max = kind === "integer" ? Number.MAX_SAFE_INTEGER : 1e15;
  const outside: { value: number; rule: string }[] = [];
  const format = typeof schema.format === "string" ? numericFormat(schema.format) : undefined;
  if (format?.kind === "integer" && format.min !== undefined && format.max !== undefined) {
    const low = Number(format.min);
    const high = Number(format.max);
    min = Math.max(min, low);
    max = Math.min(max, high);
    const rule = `format ${format.name}`;
    // One step past a bound where a double can say so exactly; for the 64-bit formats, a value
    // far enough out that no rounding brings it back in.
    if (Number.isSafeInteger(low - 1)) outside.push({ value: low - 1, rule });
    else outside.push({ value: low * 2, rule });
    if (Number.isSafeInteger(high + 1)) outside.push({ value: high + 1, rule });
    else outside.push({ value: high * 2, rule });
  }
  const step = kind === "integer" ? 1 : 0.5;
  const minimum = schema.minimum;
  if (typeof minimum === "number") {
    min = Math.max(min, minimum);
    // schemars writes `minimum: 0` beside an unsigned format, whose own bound already covers it.
    if (!outside.some((o) => o.value < minimum)) outside.push({ value: minimum - step, rule: `minimum ${minimum}` });
  }
  if (typeof schema.maximum === "number") {
    max = Math.min(max, schema.maximum);
    outside.push({ value: schema.maximum + step, rule: `maximum ${schema.maximum}` });
  }
  if (typeof schema.exclusiveMinimum === "number") {
    min = Math.max(min, kind === "integer" ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1e-9);
    outside.push({ value: schema.exclusiveMinimum, rule: `exclusiveMinimum ${schema.exclusiveMinimum}` });
  }
  if (typeof schema.exclusiveMaximum === "number") {
    max = Math.min(max, kind === "integer" ? Math.ceil(schema.exclusiveMaximum) - 1 : schema.exclusiveMaximum - 1e-9);
    outside.push({ value: schema.exclusiveMaximum, rule: `exclusiveMaximum ${schema.exclusiveMaximum}` });
  }
  if (kind === "integer") {
    min = Math.ceil(min);
    max = Math.floor(max);
  }
  return { min, max, outside };
}

function edges(bounds: NumericBounds): number[] {
  const candidates = [bounds.min, bounds.max, 0].filter((value) => value >= bounds.min && value <= bounds.max);
  return [...new Set(candidates)];
}

/** "queuedTurnIds" → "queuedTurnId", "entries" → "entry": the pool key of one item. */
export function singular(key: string): string {
  if (key.endsWith("ies") && key.length > 3) return key.slice(0, -3) + "y";
  if (key.endsWith("s") && !key.endsWith("ss") && !key.endsWith("us") && key.length > 1) return key.slice(0, -1);
  return key;
}

function withoutKeys(schema: JsonSchemaObject, keys: readonly string[]): JsonSchemaObject {
  const out: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(schema)) if (!keys.includes(key)) out[key] = value;
  return out;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}
