/**
 * Why a type of ours differs from its reference: the places in the schema where the two part,
 * found by walking the schema, our type and the reference type together (all three describe
 * the same value), each with a category and the JSON pointer of the schema element.
 *
 * A difference below a `$ref` to a type that differs itself is not repeated: the referring type
 * is a cascade of that one (see ./report.ts).
 */
import ts from "../emit/shared/typescript.js";
import type { JsonSchema, JsonSchemaObject, TypeId } from "../model/model.js";
import { typeIdFromRef } from "../model/model.js";
import { isPlainObject, referencedAlone, schemaList } from "../emit/types/schema-shape.js";

export type Category =
  | "property-name"
  | "literal"
  | "optionality"
  | "property-only-in-schema"
  | "property-only-in-reference"
  | "variant-only-in-schema"
  | "variant-only-in-reference"
  | "type";

export const categories: readonly Category[] = [
  "property-name",
  "literal",
  "optionality",
  "property-only-in-schema",
  "property-only-in-reference",
  "variant-only-in-schema",
  "variant-only-in-reference",
  "type",
];

export interface Finding {
  readonly category: Category;
  /** JSON pointer of the schema element inside the schema file. */
  readonly pointer: string;
  /** What our type, read from the schema, says there. */
  readonly schema: string;
  /** What the reference says there. */
  readonly reference: string;
}

export interface Explanation {
  readonly findings: readonly Finding[];
  /** Types of ours this one refers to that differ themselves, where it differs through them. */
  readonly via: readonly TypeId[];
}

export interface ExplainContext {
  readonly checker: ts.TypeChecker;
  /** Whether our type `id` differs from its reference (a difference below it is its own). */
  readonly differs: (id: TypeId) => boolean;
}

/** A schema and where it is, in the chain from the type's root to the part being compared. */
interface Scope {
  readonly schema: JsonSchemaObject;
  readonly pointer: string;
}

export function explain(schema: JsonSchemaObject, pointer: string, ours: ts.Type, reference: ts.Type, context: ExplainContext): Explanation {
  const walker = new Walker(context);
  walker.compare([{ schema, pointer }], ours, reference);
  if (walker.findings.length === 0 && walker.via.size === 0) {
    walker.leaf("type", pointer, ours, reference);
  }
  return { findings: walker.findings, via: [...walker.via].sort() };
}

class Walker {
  readonly findings: Finding[] = [];
  readonly via = new Set<TypeId>();
  private readonly checker: ts.TypeChecker;

  constructor(private readonly context: ExplainContext) {
    this.checker = context.checker;
  }

  equivalent(a: ts.Type, b: ts.Type): boolean {
    return this.checker.isTypeAssignableTo(a, b) && this.checker.isTypeAssignableTo(b, a);
  }

  leaf(category: Category, pointer: string, ours: ts.Type | string, reference: ts.Type | string): void {
    let [schema, referenceText] = [this.text(ours), this.text(reference)];
    // Two types printed by the same alias name say nothing: print what each alias stands for.
    if (schema === referenceText) [schema, referenceText] = [this.text(ours, true), this.text(reference, true)];
    const finding = { category, pointer, schema, reference: referenceText };
    const seen = this.findings.some((other) => JSON.stringify(other) === JSON.stringify(finding));
    if (!seen) this.findings.push(finding);
  }

  text(value: ts.Type | string, expandAlias = false): string {
    if (typeof value === "string") return value;
    const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope | (expandAlias ? ts.TypeFormatFlags.InTypeAlias : 0);
    const full = this.checker.typeToString(value, undefined, flags);
    return full.length > 240 ? `${full.slice(0, 237)}...` : full;
  }

  /** Compares the value at the innermost scope, our type and the reference type of it. */
  compare(scopes: readonly Scope[], ours: ts.Type, reference: ts.Type): void {
    if (this.equivalent(ours, reference)) return;
    const scope = innermost(scopes);
    const ref = referencedAlone(scope.schema);
    if (ref !== undefined) {
      const id = typeIdFromRef(ref);
      if (id !== undefined && this.context.differs(id)) this.via.add(id);
      else this.leaf("type", scope.pointer, ours, reference);
      return;
    }
    this.compareMembers(scopes, members(ours), members(reference), ours, reference);
  }

  /**
   * Compares two unions member by member; a union against a single type (`JsonValue` against
   * `unknown`) is one difference of types, not a list of variants.
   */
  private compareMembers(scopes: readonly Scope[], ours: readonly ts.Type[], reference: readonly ts.Type[], oursWhole: ts.Type, referenceWhole: ts.Type): void {
    if (ours.length === 1 && reference.length === 1) {
      this.compareMember(scopes, ours[0] as ts.Type, reference[0] as ts.Type);
      return;
    }
    const single = ours.length === 1 ? ours[0] : reference.length === 1 ? reference[0] : undefined;
    if (single !== undefined && !isObjectLike(single) && !single.isLiteral() && !isBooleanLiteral(single)) {
      this.leaf("type", innermost(scopes).pointer, oursWhole, referenceWhole);
      return;
    }
    this.compareUnion(scopes, ours, reference);
  }

  private compareUnion(scopes: readonly Scope[], ours: readonly ts.Type[], reference: readonly ts.Type[]): void {
    const unmatchedReference = [...reference];
    const unmatchedOurs = ours.filter((member) => {
      const index = unmatchedReference.findIndex((candidate) => this.equivalent(member, candidate));
      if (index < 0) return true;
      unmatchedReference.splice(index, 1);
      return false;
    });
    for (const member of unmatchedOurs) {
      const partnerIndex = this.partnerOf(member, unmatchedReference, unmatchedOurs.length);
      const origin = originOf(scopes, member, this.checker);
      if (partnerIndex < 0) {
        const pointer = literalPointer(origin, literalValue(member)) ?? innermost(origin).pointer;
        this.leaf("variant-only-in-schema", pointer, member, "(no such variant)");
        continue;
      }
      const [partner] = unmatchedReference.splice(partnerIndex, 1) as [ts.Type];
      this.compare(origin, member, partner);
    }
    for (const member of unmatchedReference) {
      this.leaf("variant-only-in-reference", innermost(scopes).pointer, "(no such variant)", member);
    }
  }

  /**
   * The reference member that is our `member` with differences: the literal spelled alike, the
   * object with the same tag or the most keys in common, or the only one left when ours is too.
   */
  private partnerOf(member: ts.Type, candidates: readonly ts.Type[], unmatchedOurs: number): number {
    if (candidates.length === 0) return -1;
    if (member.isLiteral() || isBooleanLiteral(member)) {
      const spelled = spellingKey(literalText(member));
      const index = candidates.findIndex((candidate) => (candidate.isLiteral() || isBooleanLiteral(candidate)) && spellingKey(literalText(candidate)) === spelled);
      if (index >= 0) return index;
    }
    if (isObjectLike(member)) {
      const tags = this.tagsOf(member);
      const tagged = candidates.findIndex((candidate) => isObjectLike(candidate) && this.sharesTag(tags, this.tagsOf(candidate)));
      if (tagged >= 0) return tagged;
      const keys = new Set(this.checker.getPropertiesOfType(member).map((p) => spellingKey(p.name)));
      let best = -1;
      let bestScore = 0;
      candidates.forEach((candidate, index) => {
        if (!isObjectLike(candidate)) return;
        const score = this.checker.getPropertiesOfType(candidate).filter((p) => keys.has(spellingKey(p.name))).length;
        if (score > bestScore) [best, bestScore] = [index, score];
      });
      if (best >= 0) return best;
    }
    return candidates.length === 1 && unmatchedOurs === 1 ? 0 : -1;
  }

  /** The properties of an object whose type is one string literal: its tags. */
  private tagsOf(type: ts.Type): Map<string, string> {
    const tags = new Map<string, string>();
    for (const property of this.checker.getPropertiesOfType(type)) {
      const value = this.checker.getTypeOfSymbol(property);
      if (value.isStringLiteral()) tags.set(spellingKey(property.name), spellingKey(value.value));
    }
    return tags;
  }

  private sharesTag(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
    return [...a].some(([key, value]) => b.get(key) === value);
  }

  private compareMember(scopes: readonly Scope[], ours: ts.Type, reference: ts.Type): void {
    if (this.equivalent(ours, reference)) return;
    const scope = innermost(scopes);
    if ((ours.isLiteral() || isBooleanLiteral(ours)) && (reference.isLiteral() || isBooleanLiteral(reference))) {
      this.leaf("literal", literalPointer(scopes, literalValue(ours)) ?? scope.pointer, ours, reference);
      return;
    }
    if (this.checker.isArrayType(ours) && this.checker.isArrayType(reference)) {
      const [oursItem] = this.checker.getTypeArguments(ours as ts.TypeReference);
      const [referenceItem] = this.checker.getTypeArguments(reference as ts.TypeReference);
      const items = scope.schema.items;
      if (oursItem !== undefined && referenceItem !== undefined && isPlainObject(items)) {
        this.compare([{ schema: items, pointer: `${scope.pointer}/items` }], oursItem, referenceItem);
        return;
      }
    }
    if (isObjectLike(ours) && isObjectLike(reference) && !this.checker.isArrayType(ours) && !this.checker.isArrayType(reference)) {
      this.compareObjects(scopes, ours, reference);
      return;
    }
    this.leaf("type", scope.pointer, ours, reference);
  }

  private compareObjects(scopes: readonly Scope[], ours: ts.Type, reference: ts.Type): void {
    const before = this.findings.length + this.via.size;
    const scope = innermost(scopes);
    const oursProperties = new Map(this.checker.getPropertiesOfType(ours).map((p) => [p.name, p]));
    const referenceProperties = new Map(this.checker.getPropertiesOfType(reference).map((p) => [p.name, p]));
    const onlyOurs = [...oursProperties.keys()].filter((key) => !referenceProperties.has(key));
    const onlyReference = [...referenceProperties.keys()].filter((key) => !oursProperties.has(key));

    for (const [key, property] of oursProperties) {
      const counterpart = referenceProperties.get(key);
      if (counterpart !== undefined) this.compareProperty(scopes, key, property, counterpart);
    }
    for (const key of onlyOurs) {
      const location = propertyLocation(scopes, key);
      const renamed = onlyReference.find((other) => spellingKey(other) === spellingKey(key));
      const property = oursProperties.get(key) as ts.Symbol;
      if (renamed === undefined) {
        // An optional property one side lacks never makes two types differ on its own.
        if (!isOptional(property)) this.leaf("property-only-in-schema", location.pointer, `${key}: ${this.text(this.propertyType(property))}`, "(no such property)");
        continue;
      }
      onlyReference.splice(onlyReference.indexOf(renamed), 1);
      this.leaf("property-name", location.pointer, key, renamed);
      this.compareProperty(scopes, key, property, referenceProperties.get(renamed) as ts.Symbol);
    }
    for (const key of onlyReference) {
      const property = referenceProperties.get(key) as ts.Symbol;
      if (isOptional(property)) continue;
      this.leaf("property-only-in-reference", scope.pointer, "(no such property)", `${key}: ${this.text(this.propertyType(property))}`);
    }
    this.compareIndexSignatures(scope, ours, reference);
    if (this.findings.length + this.via.size === before) this.leaf("type", scope.pointer, ours, reference);
  }

  private compareProperty(scopes: readonly Scope[], key: string, ours: ts.Symbol, reference: ts.Symbol): void {
    const location = propertyLocation(scopes, key);
    const oursOptional = isOptional(ours);
    const referenceOptional = isOptional(reference);
    if (oursOptional !== referenceOptional) {
      this.leaf("optionality", location.pointer, optionalityText(key, oursOptional, location.schema), `${key}${referenceOptional ? "?" : ""}`);
    }
    const schema = location.schema;
    if (schema === undefined) return;
    const inner = [...location.scopes, { schema, pointer: location.pointer }];
    const oursType = this.propertyType(ours);
    const referenceType = this.propertyType(reference);
    if (oursOptional === referenceOptional || this.equivalent(oursType, referenceType)) {
      this.compare(inner, oursType, referenceType);
      return;
    }
    // Normalisation made the optional side nullable too; that `null` is the optionality, said above.
    const oursMembers = members(oursType).filter((member) => !isNull(member));
    const referenceMembers = members(referenceType).filter((member) => !isNull(member));
    if (this.sameMembers(oursMembers, referenceMembers)) return;
    if (referencedAlone(schema) !== undefined) {
      this.compare(inner, oursType, referenceType);
      return;
    }
    this.compareMembers(inner, oursMembers, referenceMembers, oursType, referenceType);
  }

  private sameMembers(ours: readonly ts.Type[], reference: readonly ts.Type[]): boolean {
    return ours.every((a) => reference.some((b) => this.equivalent(a, b))) && reference.every((b) => ours.some((a) => this.equivalent(a, b)));
  }

  /** The property's written type (without the `undefined` an optional property adds when read). */
  private propertyType(property: ts.Symbol): ts.Type {
    const declaration = property.valueDeclaration;
    if (declaration !== undefined && ts.isPropertySignature(declaration) && declaration.type !== undefined) {
      return this.checker.getTypeFromTypeNode(declaration.type);
    }
    return this.checker.getTypeOfSymbol(property);
  }

  private compareIndexSignatures(scope: Scope, ours: ts.Type, reference: ts.Type): void {
    const oursIndex = this.checker.getIndexInfosOfType(ours)[0];
    const referenceIndex = this.checker.getIndexInfosOfType(reference)[0];
    if (oursIndex === undefined && referenceIndex === undefined) return;
    const additional = scope.schema.additionalProperties;
    if (oursIndex !== undefined && referenceIndex !== undefined && this.equivalent(oursIndex.type, referenceIndex.type)) return;
    if (oursIndex !== undefined && referenceIndex !== undefined && isPlainObject(additional)) {
      this.compare([{ schema: additional, pointer: `${scope.pointer}/additionalProperties` }], oursIndex.type, referenceIndex.type);
      return;
    }
    const pointer = additional === undefined ? scope.pointer : `${scope.pointer}/additionalProperties`;
    this.leaf("type", pointer, `other keys: ${this.indexText(oursIndex)}`, `other keys: ${this.indexText(referenceIndex)}`);
  }

  private indexText(index: ts.IndexInfo | undefined): string {
    return index === undefined ? "none" : `[key: string]: ${this.text(index.type)}`;
  }
}

function innermost(scopes: readonly Scope[]): Scope {
  return scopes[scopes.length - 1] as Scope;
}

function members(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

function isNull(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Null) !== 0;
}

function isOptional(property: ts.Symbol): boolean {
  return (property.flags & ts.SymbolFlags.Optional) !== 0;
}

function isBooleanLiteral(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.BooleanLiteral) !== 0;
}

function isObjectLike(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0;
}

function literalValue(type: ts.Type): unknown {
  if (type.isLiteral()) return typeof type.value === "object" ? undefined : type.value;
  if (isBooleanLiteral(type)) return (type as unknown as { intrinsicName?: string }).intrinsicName === "true";
  return undefined;
}

function literalText(type: ts.Type): string {
  return String(literalValue(type));
}

/** Names that differ only in case and separators (`auth_url`, `authUrl`, `auth-url`) share a key. */
function spellingKey(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, "");
}

/** Where a property is declared: the innermost scope whose `properties` (or `allOf` parts') have it. */
function propertyLocation(scopes: readonly Scope[], key: string): { schema: JsonSchemaObject | undefined; pointer: string; scopes: readonly Scope[] } {
  for (let depth = scopes.length - 1; depth >= 0; depth--) {
    const found = findProperty(scopes[depth] as Scope, key);
    if (found !== undefined) return { ...found, scopes: scopes.slice(0, depth + 1) };
  }
  const scope = innermost(scopes);
  return { schema: undefined, pointer: scope.pointer, scopes };
}

function findProperty(scope: Scope, key: string): { schema: JsonSchemaObject; pointer: string } | undefined {
  const properties = scope.schema.properties;
  if (isPlainObject(properties) && key in properties) {
    const property = properties[key];
    return { schema: isPlainObject(property) ? property : {}, pointer: `${scope.pointer}/properties/${escapePointer(key)}` };
  }
  const parts = schemaList(scope.schema.allOf);
  for (const [index, part] of parts.entries()) {
    if (!isPlainObject(part)) continue;
    const found = findProperty({ schema: part, pointer: `${scope.pointer}/allOf/${index}` }, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The branch chain our union member comes from: the `oneOf`/`anyOf` branch (recursively)
 * whose literal it is, whose tag it carries, or whose keys it has the most of.
 */
function originOf(scopes: readonly Scope[], member: ts.Type, checker: ts.TypeChecker): readonly Scope[] {
  const scope = innermost(scopes);
  const branches = [
    ...schemaList(scope.schema.oneOf).map((schema, index) => ({ schema, pointer: `${scope.pointer}/oneOf/${index}` })),
    ...schemaList(scope.schema.anyOf).map((schema, index) => ({ schema, pointer: `${scope.pointer}/anyOf/${index}` })),
  ].filter((branch): branch is Scope => isPlainObject(branch.schema));
  if (branches.length === 0) return scopes;
  let best: Scope | undefined;
  let bestScore = 0;
  for (const branch of branches) {
    const score = branchScore(branch.schema, member, checker);
    if (score > bestScore) [best, bestScore] = [branch, score];
  }
  return best === undefined ? scopes : originOf([...scopes, best], member, checker);
}

/** How well a branch accounts for a union member: a literal or tag it holds counts most. */
function branchScore(branch: JsonSchemaObject, member: ts.Type, checker: ts.TypeChecker): number {
  const ref = referencedAlone(branch);
  if (ref !== undefined) {
    const name = ref.slice(ref.lastIndexOf("/") + 1);
    return member.aliasSymbol?.name === name || member.getSymbol()?.name === name ? 1000 : 0;
  }
  const value = literalValue(member);
  if (value !== undefined) return literalsOf(branch).includes(value) ? 100 : 0;
  if (!isObjectLike(member)) return 0;
  const properties = new Map(checker.getPropertiesOfType(member).map((p) => [p.name, p]));
  let score = 0;
  for (const [key, schema] of Object.entries(branchProperties(branch))) {
    const property = properties.get(key);
    if (property === undefined) continue;
    score += 1;
    const tag = isPlainObject(schema) ? literalsOf(schema) : [];
    const type = checker.getTypeOfSymbol(property);
    if (tag.length === 1 && type.isStringLiteral() && type.value === tag[0]) score += 100;
  }
  return score;
}

/** The properties a branch declares, its own and its `allOf` parts' and nested branches'. */
function branchProperties(branch: JsonSchemaObject): Record<string, JsonSchema> {
  const own = isPlainObject(branch.properties) ? (branch.properties as Record<string, JsonSchema>) : {};
  const nested = [...schemaList(branch.allOf), ...schemaList(branch.oneOf), ...schemaList(branch.anyOf)]
    .filter(isPlainObject)
    .map(branchProperties);
  return Object.assign({}, ...nested, own) as Record<string, JsonSchema>;
}

function literalsOf(schema: JsonSchemaObject): unknown[] {
  if ("const" in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : [];
}

/** `…/enum/3` or `…/const` of the innermost scope that lists `value`, if one does. */
function literalPointer(scopes: readonly Scope[], value: unknown): string | undefined {
  for (let depth = scopes.length - 1; depth >= 0; depth--) {
    const scope = scopes[depth] as Scope;
    if ("const" in scope.schema && scope.schema.const === value) return `${scope.pointer}/const`;
    if (Array.isArray(scope.schema.enum)) {
      const index = scope.schema.enum.indexOf(value);
      if (index >= 0) return `${scope.pointer}/enum/${index}`;
    }
  }
  return undefined;
}

function optionalityText(key: string, optional: boolean, schema: JsonSchemaObject | undefined): string {
  if (optional) return `${key}? (not in required)`;
  return schema !== undefined && "default" in schema ? `${key} (not in required, default ${JSON.stringify(schema.default)}: always written)` : `${key} (required)`;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
