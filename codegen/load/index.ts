import { stat } from "node:fs/promises";
import path from "node:path";
import { sortSchemaErrors, type SchemaError } from "../errors.js";
import type { MethodSpec, NamedType, ProtocolModel, TypeId } from "../model/model.js";
import { assembleModel } from "./assemble-model.js";
import { checkKeywords } from "./check-keywords.js";
import { readSchemaBundle } from "./load-bundle.js";
import { readSchemaDirectory } from "./load-directory.js";
import { validateAgainstDraft07 } from "./meta-schema.js";
import { displayPath } from "./paths.js";
import { checkRegistry } from "./registry.js";
import type { RegistryExtras } from "./registry-extras.js";
import { rewriteTypeSchema, type RefResolver } from "./rewrite-refs.js";
import { checkTypeNames, type TypeCandidate } from "./type-candidate.js";

export type { SchemaError } from "../errors.js";
export { ajvFormatNames, knownFormats, schemarsNumericFormats } from "./known-formats.js";

export type LoadResult = { ok: true; model: ProtocolModel } | { ok: false; errors: SchemaError[] };

export interface LoadOptions {
  /** Directory paths are resolved against and reported relative to; default process.cwd(). */
  readonly cwd?: string;
}

/**
 * Loads a schema directory (per-type files + protocol.json) or a single bundle file into the
 * protocol model, or returns every problem found (not just the first), each with the file, a
 * JSON pointer and what to do. See docs/DESIGN.md and codegen/load/README.md.
 */
export async function loadProtocol(schemaPath: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const absolute = path.resolve(cwd, schemaPath);
  const sourceLabel = displayPath(absolute, cwd);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch {
    return {
      ok: false,
      errors: [{ file: sourceLabel, pointer: "", message: "no such file or directory; pass a schema directory (with protocol.json) or a bundle file" }],
    };
  }
  const source = isDirectory ? await readSchemaDirectory(absolute, cwd) : await readSchemaBundle(absolute, sourceLabel);
  return finishModel(source, sourceLabel);
}

interface LoadedSource {
  readonly candidates: readonly TypeCandidate[];
  readonly resolveRef: RefResolver;
  readonly methods: readonly MethodSpec[];
  readonly errors: readonly SchemaError[];
  readonly unreadableTypeIds?: ReadonlySet<TypeId>;
  readonly whereTypeLives: (id: TypeId) => string;
  readonly extras?: RegistryExtras;
}

/** The checks and rewriting both input forms share. */
function finishModel(source: LoadedSource, sourceLabel: string): LoadResult {
  const errors: SchemaError[] = [...source.errors, ...checkTypeNames(source.candidates)];
  const types: NamedType[] = [];
  for (const candidate of source.candidates) {
    const { document, pointer } = candidate.location;
    errors.push(...validateAgainstDraft07(candidate.schema, document.file, pointer));
    errors.push(...checkKeywords(candidate.schema, document.file, pointer));
    types.push({
      id: candidate.id,
      name: candidate.name,
      namespace: candidate.namespace,
      schema: rewriteTypeSchema(candidate.schema, candidate.location, source.resolveRef, errors),
      source: { file: document.file, pointer },
    });
  }
  const typeIds = new Set([...types.map((type) => type.id), ...(source.unreadableTypeIds ?? [])]);
  errors.push(...checkRegistry(source.methods, typeIds, source.whereTypeLives));
  if (errors.length > 0) return { ok: false, errors: dedupe(sortSchemaErrors(errors)) };
  return { ok: true, model: assembleModel(types, source.methods, sourceLabel, source.extras) };
}

/** A fragment inlined in several places reports its problem once. */
function dedupe(errors: readonly SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.file}\0${error.pointer}\0${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
