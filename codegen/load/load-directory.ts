import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SchemaError } from "../errors.js";
import type { MethodSpec, TypeId } from "../model/model.js";
import { isJsonObject, parsePointer, pointerFromFragment, valueAtTokens } from "./json-pointer.js";
import { compileMetaSchema, describeAjvErrors } from "./meta-schema.js";
import { displayPath } from "./paths.js";
import { readJsonFile } from "./read-json.js";
import { parseRegistry } from "./registry.js";
import { parseRegistryExtras, readDiagrams, type RegistryExtras } from "./registry-extras.js";
import { loadReferencedDocuments } from "./resolve-files.js";
import type { RefResolver, RefTarget, SourceDocument } from "./rewrite-refs.js";
import { typeIdOf, type TypeCandidate } from "./type-candidate.js";

export const registryFileName = "protocol.json";
export const registryMetaSchemaFileName = "protocol.schema.json";

/** What a schema directory holds, ready for the shared checks and ref rewriting. */
export interface DirectorySource {
  readonly candidates: TypeCandidate[];
  readonly resolveRef: RefResolver;
  readonly methods: MethodSpec[];
  readonly errors: SchemaError[];
  /** Type files that exist but could not be read; already reported, so not "missing". */
  readonly unreadableTypeIds: ReadonlySet<TypeId>;
  readonly whereTypeLives: (id: TypeId) => string;
  readonly extras: RegistryExtras;
}

/**
 * Reads a schema directory: every `*.json` below it is one type (id = relative path without
 * ".json"), except the registry `protocol.json` and its meta-schema at the top.
 */
export async function readSchemaDirectory(directory: string, cwd: string): Promise<DirectorySource> {
  const errors: SchemaError[] = [];
  const label = (absolutePath: string): string => displayPath(absolutePath, cwd);
  const typeFiles = await listTypeFiles(directory);

  const parsed = new Map<string, unknown>();
  const invalid = new Set<string>();
  const reads = await Promise.all(typeFiles.map((file) => readJsonFile(file, label(file))));
  const candidates: TypeCandidate[] = [];
  const unreadableTypeIds = new Set<TypeId>();
  typeFiles.forEach((file, index) => {
    const read = reads[index];
    if (!read) return;
    const segments = path.relative(directory, file).slice(0, -".json".length).split(path.sep);
    const name = segments.pop() ?? "";
    if (!read.ok) {
      errors.push(read.error);
      invalid.add(file);
      unreadableTypeIds.add(typeIdOf(segments, name));
      return;
    }
    parsed.set(file, read.value);
    const document: SourceDocument = { key: file, file: label(file) };
    if (!isJsonObject(read.value)) {
      errors.push({ file: document.file, pointer: "", message: "a type file must hold a JSON Schema object (not a boolean, array or scalar)" });
      return;
    }
    candidates.push({
      id: typeIdOf(segments, name),
      name,
      namespace: segments,
      schema: read.value,
      location: { document, pointer: "" },
    });
  });
  errors.push(...checkTitles(candidates));

  const typeIdByPath = new Map<string, TypeId>(candidates.map((c) => [c.location.document.key, c.id]));
  const { documents, failures } = await loadReferencedDocuments(directory, [...parsed.keys()], parsed);
  const resolveRef = directoryRefResolver({ typeIdByPath, documents, failures, invalid, label, directoryLabel: label(directory) });

  const registry = await readRegistry(directory, label);
  errors.push(...registry.errors);

  const directoryLabel = label(directory);
  return {
    candidates,
    resolveRef,
    methods: registry.methods,
    errors,
    unreadableTypeIds,
    whereTypeLives: (id) => `the file ${directoryLabel}/${id}.json`,
    extras: registry.extras,
  };
}

async function listTypeFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith(".json"))
    .filter((entry) => !entry.split(path.sep).some((segment) => segment.startsWith(".") || segment === "node_modules"))
    .filter((entry) => entry !== registryFileName && entry !== registryMetaSchemaFileName)
    .map((entry) => path.join(directory, entry))
    .sort();
}

/**
 * A file's `title` is the type's name as other tools show it; it must match the file name,
 * or two schemas would claim one name (worst when the title names another existing type).
 */
function checkTitles(candidates: readonly TypeCandidate[]): SchemaError[] {
  const errors: SchemaError[] = [];
  const byId = new Map(candidates.map((c) => [c.id, c]));
  for (const candidate of candidates) {
    const title = candidate.schema["title"];
    if (typeof title !== "string" || title === candidate.name) continue;
    const file = candidate.location.document.file;
    const clash = byId.get(typeIdOf(candidate.namespace, title));
    const message = clash
      ? `two schemas claim the type name "${title}": this file's title and ${clash.location.document.file}; set the title to "${candidate.name}" (the file name) or rename the file`
      : `title "${title}" differs from the file name "${candidate.name}": set the title to "${candidate.name}" or rename the file to ${title}.json`;
    errors.push({ file, pointer: "/title", message });
  }
  return errors;
}

interface DirectoryRefContext {
  readonly typeIdByPath: ReadonlyMap<string, TypeId>;
  readonly documents: ReadonlyMap<string, unknown>;
  readonly failures: ReadonlyMap<string, string>;
  readonly invalid: ReadonlySet<string>;
  readonly label: (absolutePath: string) => string;
  readonly directoryLabel: string;
}

/**
 * A relative file ref names the type in that file; a ref with a fragment (into another file,
 * or `#/definitions/...` inside this one) names a subschema, which gets inlined.
 */
function directoryRefResolver(context: DirectoryRefContext): RefResolver {
  return (ref, from): RefTarget => {
    const hashAt = ref.indexOf("#");
    const base = hashAt === -1 ? ref : ref.slice(0, hashAt);
    const pointer = pointerFromFragment(hashAt === -1 ? "" : ref.slice(hashAt));
    const quoted = JSON.stringify(ref);
    if (pointer === undefined) {
      return unresolvable(`$ref ${quoted}: the fragment is not a JSON pointer; refer to a type file ("./Name.json") or to a pointer inside one ("./Name.json#/properties/x")`);
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(base) && !base.startsWith("file:")) {
      return unresolvable(`$ref ${quoted}: remote refs are not supported; copy the schema into ${context.directoryLabel} as a type file and refer to it relatively`);
    }
    const target = base === "" ? from.document.key : fileURLToPath(new URL(base, pathToFileURL(from.document.key)));
    const targetLabel = context.label(target);
    const typeId = context.typeIdByPath.get(target);
    if (typeId !== undefined && pointer === "") return { kind: "type", id: typeId };
    if (context.invalid.has(target)) {
      return unresolvable(`$ref ${quoted}: ${targetLabel} is not valid JSON; fix that file first`);
    }
    const document = context.documents.get(target);
    if (document === undefined) {
      const reason = context.failures.get(target) ?? "does not exist";
      return unresolvable(`unresolvable $ref ${quoted}: ${targetLabel} ${reason}; fix the path or add the type file`);
    }
    if (pointer === "") {
      return unresolvable(`$ref ${quoted}: ${targetLabel} is not a type file of ${context.directoryLabel}; move it into ${context.directoryLabel} so it becomes a named type, or refer to a type file`);
    }
    const value = valueAtTokens(document, parsePointer(pointer) ?? []);
    if (value === undefined) {
      return unresolvable(`unresolvable $ref ${quoted}: ${targetLabel} has nothing at ${pointer}; fix the pointer`);
    }
    return { kind: "fragment", value, location: { document: { key: target, file: targetLabel }, pointer } };
  };
}

function unresolvable(message: string): RefTarget {
  return { kind: "unresolvable", message };
}

/**
 * protocol.json, checked against the meta-schema its `$schema` names (a local file, relative
 * to it), or against the built-in one (./registry-meta-schema.json) when it names none: a new
 * protocol folder needs no copy of the meta-schema.
 */
async function readRegistry(
  directory: string,
  label: (absolutePath: string) => string,
): Promise<{ methods: MethodSpec[]; errors: SchemaError[]; extras: RegistryExtras }> {
  const parsed = await readRegistryMethods(directory, label);
  if (parsed.registry === undefined) return { methods: parsed.methods, errors: parsed.errors, extras: {} };
  const file = label(path.join(directory, registryFileName));
  const { diagrams: entries, errors: extraErrors, ...extras } = parseRegistryExtras(parsed.registry, file, "", parsed.methods);
  const diagrams = await readDiagrams(entries, directory, file, label);
  return {
    methods: parsed.methods,
    errors: [...parsed.errors, ...extraErrors, ...diagrams.errors],
    extras: { ...extras, ...(diagrams.diagrams.length > 0 ? { diagrams: diagrams.diagrams } : {}) },
  };
}

async function readRegistryMethods(
  directory: string,
  label: (absolutePath: string) => string,
): Promise<{ methods: MethodSpec[]; errors: SchemaError[]; registry?: unknown }> {
  const registryPath = path.join(directory, registryFileName);
  const file = label(registryPath);
  const registry = await readJsonFile(registryPath, file);
  if (!registry.ok) {
    const missing = registry.error.message.includes("ENOENT");
    return {
      methods: [],
      errors: [missing ? { file, pointer: "", message: `no method registry: create ${file} listing the requests and notifications (the format: codegen/load/registry-meta-schema.json)` } : registry.error],
    };
  }
  const declared = isJsonObject(registry.value) ? registry.value["$schema"] : undefined;
  const meta = typeof declared === "string" ? await declaredMetaSchema(declared, registryPath, file, label) : await builtInMetaSchema();
  if (!meta.ok) return { methods: [], errors: [meta.error] };
  let validate;
  try {
    validate = compileMetaSchema(meta.schema);
  } catch (cause) {
    return { methods: [], errors: [{ file: meta.file, pointer: "", message: `the registry meta-schema does not compile: ${(cause as Error).message}` }] };
  }
  if (!validate(registry.value)) {
    return { methods: [], errors: describeAjvErrors(validate.errors ?? [], file, "", `does not match ${meta.file}`) };
  }
  return { ...parseRegistry(registry.value, file, ""), registry: registry.value };
}

type MetaSchema = { ok: true; schema: Record<string, unknown>; file: string } | { ok: false; error: SchemaError };

const builtInMetaSchemaUrl = new URL("./registry-meta-schema.json", import.meta.url);

async function builtInMetaSchema(): Promise<MetaSchema> {
  const schema = JSON.parse(await readFile(builtInMetaSchemaUrl, "utf8")) as Record<string, unknown>;
  return { ok: true, schema, file: "the built-in registry meta-schema" };
}

async function declaredMetaSchema(
  declared: string,
  registryPath: string,
  file: string,
  label: (absolutePath: string) => string,
): Promise<MetaSchema> {
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(declared) && !declared.startsWith("file:")) {
    return { ok: false, error: { file, pointer: "/$schema", message: `the registry meta-schema must be a local file, not ${JSON.stringify(declared)}; remove "$schema" to use the built-in one` } };
  }
  const metaPath = fileURLToPath(new URL(declared, pathToFileURL(registryPath)));
  const metaFile = label(metaPath);
  const meta = await readJsonFile(metaPath, metaFile);
  if (!meta.ok) {
    const missing = meta.error.message.includes("ENOENT");
    return { ok: false, error: missing ? { file, pointer: "/$schema", message: `the registry meta-schema ${metaFile} does not exist: fix "$schema", or remove it to use the built-in one` } : meta.error };
  }
  if (!isJsonObject(meta.value)) {
    return { ok: false, error: { file: metaFile, pointer: "", message: "the registry meta-schema must be a JSON Schema object" } };
  }
  return { ok: true, schema: meta.value, file: metaFile };
}
