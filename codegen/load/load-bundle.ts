import path from "node:path";
import type { SchemaError } from "../errors.js";
import type { JsonSchemaObject, MethodSpec, TypeId } from "../model/model.js";
import { sameSchemaContent } from "./canonical-json.js";
import { deriveRegistry, type HoistedParams } from "./derive-registry.js";
import { defaultDialect, knownKeywords, readDialect, type Dialect } from "./dialect.js";
import { isJsonObject, joinPointer, parsePointer, pointerFromFragment, valueAtTokens } from "./json-pointer.js";
import { readJsonFile } from "./read-json.js";
import { parseRegistry } from "./registry.js";
import { parseRegistryExtras, readDiagrams, type RegistryExtras } from "./registry-extras.js";
import type { RefResolver, RefTarget, SourceDocument } from "./rewrite-refs.js";
import { typeIdOf, type TypeCandidate } from "./type-candidate.js";

/** Where a bundle carries its own method registry (same shape as protocol.json). */
export const registryMember = "x-protocol";

/** What a bundle file holds, ready for the shared checks and ref rewriting. */
export interface BundleSource {
  readonly candidates: TypeCandidate[];
  readonly resolveRef: RefResolver;
  readonly methods: MethodSpec[];
  readonly errors: SchemaError[];
  readonly warnings: SchemaError[];
  /** Inline params derivation turned into named types (already among `candidates`). */
  readonly hoisted: readonly HoistedParams[];
  readonly whereTypeLives: (id: TypeId) => string;
  /** Whether the methods come from `x-protocol` or were read off the unions. */
  readonly registryKind: "declared" | "derived";
  readonly extras?: RegistryExtras;
}

/**
 * A bundle's root is a type of its own when it has a title and any keyword beyond these
 * document-level ones: the seed's root (with `properties`) is the notification type, and
 * upstream's root (`"type": "object"`) becomes the root type `CodexAppServerProtocol`.
 */
const nonContentKeywords: ReadonlySet<string> = new Set([
  "$schema", "$id", "$comment", "title", "description", "definitions", "$defs",
]);

/** Where a bundle keeps its types: draft-07's `definitions`, 2020-12's `$defs`, or both. */
const containers = ["definitions", "$defs"] as const;

/**
 * Reads a bundle: `definitions` (or `$defs`) entries are types, an entry that is a map of
 * schemas (upstream's `v2`) is a namespace, and refs are `#/definitions/...` or `#/$defs/...`.
 */
export async function readSchemaBundle(bundlePath: string, file: string): Promise<BundleSource> {
  const errors: SchemaError[] = [];
  const document: SourceDocument = { key: bundlePath, file };
  const read = await readJsonFile(bundlePath, file);
  let mainContainer: string = "definitions";
  const whereTypeLives = (id: TypeId): string => `a definition at ${file}#/${mainContainer}/${id}`;
  if (!read.ok || !isJsonObject(read.value)) {
    const error = read.ok ? { file, pointer: "", message: "a bundle must be a JSON object with `definitions` or `$defs`" } : read.error;
    return { candidates: [], resolveRef: () => ({ kind: "unresolvable", message: "" }), methods: [], errors: [error], warnings: [], hoisted: [], whereTypeLives, registryKind: "declared" };
  }
  const root = read.value;
  if (isJsonObject(root["$defs"]) && !isJsonObject(root["definitions"])) mainContainer = "$defs";
  const reading = readDialect(root, "", defaultDialect);
  if (!reading.ok) errors.push({ file, pointer: reading.pointer, message: reading.message });
  const dialect = reading.ok ? reading.dialect : defaultDialect;
  const candidates: TypeCandidate[] = [];
  for (const container of containers) {
    const definitions = root[container];
    if (definitions !== undefined && !isJsonObject(definitions)) {
      errors.push({ file, pointer: `/${container}`, message: `\`${container}\` must be an object of named schemas` });
    } else if (definitions) {
      collectDefinitions(definitions, [], `/${container}`, { document, dialect }, candidates, errors);
    }
  }
  const rootType = rootTypeCandidate(root, document, dialect, candidates, errors);
  if (rootType) candidates.push(rootType);
  errors.push(...checkBundleTitles(candidates));

  const resolveRef = bundleRefResolver(root, document, rootType?.id);
  if (registryMember in root) {
    const registry = parseRegistry(root[registryMember], file, `/${registryMember}`);
    errors.push(...registry.errors);
    // A bundle's diagram files are relative to the bundle, as protocol.json's are to it.
    const { diagrams: entries, errors: extraErrors, ...extras } = parseRegistryExtras(root[registryMember], file, `/${registryMember}`, registry.methods);
    const diagrams = await readDiagrams(entries, path.dirname(bundlePath), file, (absolute) => path.join(path.dirname(file), path.relative(path.dirname(bundlePath), absolute)).split(path.sep).join("/"));
    errors.push(...extraErrors, ...diagrams.errors);
    const withDiagrams = diagrams.diagrams.length > 0 ? { ...extras, diagrams: diagrams.diagrams } : extras;
    return { candidates, resolveRef, methods: registry.methods, errors, warnings: [], hoisted: [], whereTypeLives, registryKind: "declared", extras: withDiagrams };
  }
  const derived = deriveRegistry(candidates, resolveRef);
  errors.push(...derived.errors);
  return {
    candidates: [...candidates, ...derived.hoistedTypes],
    resolveRef,
    methods: derived.methods,
    errors,
    warnings: derived.warnings,
    hoisted: derived.hoisted,
    whereTypeLives,
    registryKind: "derived",
  };
}

/**
 * A `definitions` entry is a namespace when it is a non-empty map of schemas, not a schema.
 * Memoised: every ref into upstream's `v2` (585 entries) asks again.
 */
const namespaceVerdicts = new WeakMap<object, boolean>();
function isNamespace(entry: unknown): entry is Record<string, unknown> {
  if (!isJsonObject(entry)) return false;
  let verdict = namespaceVerdicts.get(entry);
  if (verdict === undefined) {
    verdict = looksLikeNamespace(entry);
    namespaceVerdicts.set(entry, verdict);
  }
  return verdict;
}

function looksLikeNamespace(entry: Record<string, unknown>): boolean {
  const keys = Object.keys(entry);
  return (
    keys.length > 0 &&
    keys.every((key) => !knownKeywords.has(key)) &&
    Object.values(entry).every((value) => isJsonObject(value) || typeof value === "boolean")
  );
}

function collectDefinitions(
  entries: Record<string, unknown>,
  namespace: readonly string[],
  pointer: string,
  context: { readonly document: SourceDocument; readonly dialect: Dialect },
  candidates: TypeCandidate[],
  errors: SchemaError[],
): void {
  const { document, dialect } = context;
  for (const [key, entry] of Object.entries(entries)) {
    const entryPointer = joinPointer(pointer, key);
    if (isNamespace(entry)) {
      collectDefinitions(entry, [...namespace, key], entryPointer, context, candidates, errors);
    } else if (isJsonObject(entry)) {
      const id = typeIdOf(namespace, key);
      const twin = candidates.find((candidate) => candidate.id === id);
      if (twin) {
        errors.push({ file: document.file, pointer: entryPointer, message: `two definitions claim the type "${id}": this one and ${document.file}#${twin.location.pointer}; keep one (types live in \`definitions\` or \`$defs\`, not both)` });
        continue;
      }
      candidates.push({ id, name: key, namespace, schema: entry, location: { document, pointer: entryPointer }, dialect });
    } else {
      errors.push({ file: document.file, pointer: entryPointer, message: "a named type must be a JSON Schema object (not a boolean or scalar)" });
    }
  }
}

function rootTypeCandidate(
  root: Record<string, unknown>,
  document: SourceDocument,
  dialect: Dialect,
  candidates: readonly TypeCandidate[],
  errors: SchemaError[],
): TypeCandidate | undefined {
  const title = root["title"];
  const hasContent = Object.keys(root).some((key) => key !== registryMember && !nonContentKeywords.has(key));
  if (typeof title !== "string" || !hasContent) return undefined;
  const schema: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(root)) {
    if (key !== "definitions" && key !== "$defs" && key !== registryMember) schema[key] = value;
  }
  const existing = candidates.find((c) => c.id === title);
  if (existing) {
    if (!sameSchemaContent(existing.schema, schema)) {
      errors.push({
        file: document.file,
        pointer: "/title",
        message: `two schemas claim the type name "${title}": the bundle root and ${document.file}#${existing.location.pointer}; rename one of them`,
      });
    }
    return undefined;
  }
  return { id: title, name: title, namespace: [], schema, location: { document, pointer: "" }, dialect };
}

/**
 * In a bundle the definitions key names the type; a `title` naming a different type of the
 * same namespace with another schema means two schemas claim one name.
 */
function checkBundleTitles(candidates: readonly TypeCandidate[]): SchemaError[] {
  const errors: SchemaError[] = [];
  const byId = new Map(candidates.map((c) => [c.id, c]));
  for (const candidate of candidates) {
    const title = candidate.schema["title"];
    if (typeof title !== "string" || title === candidate.name) continue;
    const other = byId.get(typeIdOf(candidate.namespace, title));
    if (other && !sameSchemaContent(other.schema, candidate.schema)) {
      const { file, pointer } = { file: candidate.location.document.file, pointer: candidate.location.pointer };
      errors.push({
        file,
        pointer: joinPointer(pointer, "title"),
        message: `two schemas claim the type name "${title}": this definition's title and ${other.location.document.file}#${other.location.pointer}; set the title to "${candidate.name}" or remove it`,
      });
    }
  }
  return errors;
}

/** `#/definitions/<ns…>/<Name>` names a type; a longer pointer is a fragment to inline. */
function bundleRefResolver(root: Record<string, unknown>, document: SourceDocument, rootTypeId: TypeId | undefined): RefResolver {
  return (ref): RefTarget => {
    const quoted = JSON.stringify(ref);
    if (!ref.startsWith("#")) {
      return unresolvable(`$ref ${quoted}: a bundle may only refer inside itself; add the target to definitions and refer to "#/definitions/<Name>"`);
    }
    const pointer = pointerFromFragment(ref);
    const tokens = pointer === undefined ? undefined : parsePointer(pointer);
    if (pointer === undefined || tokens === undefined) {
      return unresolvable(`$ref ${quoted}: the fragment is not a JSON pointer; refer to "#/definitions/<Name>"`);
    }
    if (tokens.length === 0) {
      return rootTypeId !== undefined
        ? { kind: "type", id: rootTypeId }
        : unresolvable(`$ref ${quoted}: the bundle root is not a type; refer to "#/definitions/<Name>"`);
    }
    if (tokens[0] === "definitions" || tokens[0] === "$defs") {
      let entries: unknown = root[tokens[0]];
      const namespace: string[] = [];
      for (let index = 1; index < tokens.length; index++) {
        const key = tokens[index] ?? "";
        const entry = isJsonObject(entries) && Object.hasOwn(entries, key) ? entries[key] : undefined;
        if (entry === undefined) {
          return unresolvable(`unresolvable $ref ${quoted}: there is no definition ${JSON.stringify(key)} there; fix the ref or add the definition`);
        }
        if (isNamespace(entry)) {
          namespace.push(key);
          entries = entry;
          continue;
        }
        const rest = tokens.slice(index + 1);
        if (rest.length === 0) return { kind: "type", id: typeIdOf(namespace, key) };
        return fragment(ref, valueAtTokens(entry, rest), document, pointer);
      }
      return unresolvable(`$ref ${quoted} names a namespace, not a type; refer to a type inside it`);
    }
    return fragment(ref, valueAtTokens(root, tokens), document, pointer);
  };
}

function fragment(ref: string, value: unknown, document: SourceDocument, pointer: string): RefTarget {
  return value === undefined
    ? unresolvable(`unresolvable $ref ${JSON.stringify(ref)}: nothing at ${pointer}; fix the pointer`)
    : { kind: "fragment", value, location: { document, pointer } };
}

function unresolvable(message: string): RefTarget {
  return { kind: "unresolvable", message };
}
