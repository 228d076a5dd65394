import type { SchemaError } from "../errors.js";
import { refForType, type JsonSchemaObject, type TypeId } from "../model/model.js";
import { isJsonObject, joinPointer } from "./json-pointer.js";
import { mapSubschemas } from "./schema-walk.js";

/** A source document: `key` identifies it (absolute path), `file` is how errors name it. */
export interface SourceDocument {
  readonly key: string;
  readonly file: string;
}

export interface SchemaLocation {
  readonly document: SourceDocument;
  readonly pointer: string;
}

/** What a `$ref` names: a whole type, a fragment to inline, or nothing usable. */
export type RefTarget =
  | { readonly kind: "type"; readonly id: TypeId }
  | { readonly kind: "fragment"; readonly value: unknown; readonly location: SchemaLocation }
  | { readonly kind: "unresolvable"; readonly message: string };

/** Interprets one `$ref` string found at `from`; each input form brings its own. */
export type RefResolver = (ref: string, from: SchemaLocation) => RefTarget;

const annotationKeywords: ReadonlySet<string> = new Set(["title", "description", "$comment", "examples"]);

/** Keys of a type's root that describe the document, not the type. */
const documentOnlyKeys: ReadonlySet<string> = new Set(["$schema", "definitions", "$defs", "x-protocol"]);

/**
 * A copy of a type's schema in the model's normal form: a ref to a whole type becomes
 * {"$ref": "#/definitions/<id>"}; a ref to a fragment (another file's subschema, or a local
 * `#/definitions/...` entry) is inlined, because only named types exist in the model.
 * Local definitions are dropped once inlined. A fragment that refers back to itself cannot be
 * inlined and is an error asking to make it a type of its own.
 */
export function rewriteTypeSchema(
  schema: JsonSchemaObject,
  location: SchemaLocation,
  resolve: RefResolver,
  errors: SchemaError[],
): JsonSchemaObject {
  const rootOnly: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!documentOnlyKeys.has(key)) rootOnly[key] = value;
  }
  const rewritten = rewriteSchema(rootOnly, location, resolve, errors, []);
  // A root that was a bare fragment ref is replaced by the fragment, which may be boolean.
  return isJsonObject(rewritten) ? rewritten : rewritten ? {} : { not: {} };
}

function rewriteSchema(
  schema: unknown,
  location: SchemaLocation,
  resolve: RefResolver,
  errors: SchemaError[],
  inlining: readonly string[],
): unknown {
  if (!isJsonObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  let inlined: { value: unknown } | undefined;
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "$ref" && typeof value === "string") {
      const target = resolve(value, location);
      const refPointer = joinPointer(location.pointer, "$ref");
      if (target.kind === "type") {
        out[keyword] = refForType(target.id);
      } else if (target.kind === "fragment") {
        const key = `${target.location.document.key}#${target.location.pointer}`;
        if (inlining.includes(key)) {
          errors.push({
            file: location.document.file,
            pointer: refPointer,
            message: `$ref ${JSON.stringify(value)} refers to a fragment that contains itself and cannot be inlined; move that fragment into its own type file and refer to the file`,
          });
          out[keyword] = value;
        } else {
          inlined = { value: rewriteSchema(target.value, target.location, resolve, errors, [...inlining, key]) };
        }
      } else {
        errors.push({ file: location.document.file, pointer: refPointer, message: target.message });
        out[keyword] = value;
      }
      continue;
    }
    out[keyword] = mapSubschemas(keyword, value, (subschema, tokens) =>
      rewriteSchema(
        subschema,
        { document: location.document, pointer: joinPointer(location.pointer, keyword, ...tokens) },
        resolve,
        errors,
        inlining,
      ),
    );
  }
  if (!inlined) return out;
  const siblings = Object.keys(out);
  if (siblings.length === 0) return inlined.value;
  const fragmentValue = inlined.value;
  if (
    isJsonObject(fragmentValue) &&
    siblings.every((key) => annotationKeywords.has(key) && !(key in fragmentValue))
  ) {
    // Annotations beside the ref (an alias's title and description) describe the fragment.
    return { ...out, ...fragmentValue };
  }
  // Keywords beside the ref still apply (ajv evaluates them), so keep both via allOf:
  // merging could change meaning (additionalProperties looks at sibling properties).
  const existingAllOf = Array.isArray(out["allOf"]) ? out["allOf"] : [];
  return { ...out, allOf: [...existingAllOf, inlined.value] };
}
