import type { SchemaError } from "../errors.js";
import type { JsonSchemaObject, TypeId } from "../model/model.js";
import type { Dialect } from "./dialect.js";
import { identifierProblem } from "./identifiers.js";
import type { SchemaLocation } from "./rewrite-refs.js";

/** A named type as found in the source, before its refs are rewritten. */
export interface TypeCandidate {
  readonly id: TypeId;
  readonly name: string;
  readonly namespace: readonly string[];
  readonly schema: JsonSchemaObject;
  readonly location: SchemaLocation;
  /** The dialect of the document around it; the schema's own `$schema` takes precedence. */
  readonly dialect?: Dialect;
}

export function typeIdOf(namespace: readonly string[], name: string): TypeId {
  return [...namespace, name].join("/");
}

/**
 * Names become identifiers and paths of generated files: each segment must be a valid,
 * non-reserved identifier, and two ids that differ only in case would collide on
 * case-insensitive file systems (macOS, Windows).
 */
export function checkTypeNames(candidates: readonly TypeCandidate[]): SchemaError[] {
  const errors: SchemaError[] = [];
  const byFoldedId = new Map<string, TypeCandidate>();
  for (const candidate of candidates) {
    const segments = [...candidate.namespace, candidate.name];
    segments.forEach((segment, index) => {
      const problem = identifierProblem(segment);
      if (problem) {
        const what = index === segments.length - 1 ? "type name" : "namespace";
        errors.push({
          file: candidate.location.document.file,
          pointer: candidate.location.pointer,
          message: `${what} ${problem}; rename it (the loader never renames types itself)`,
        });
      }
    });
    const folded = candidate.id.toLowerCase();
    const other = byFoldedId.get(folded);
    if (other && other.id !== candidate.id) {
      errors.push({
        file: candidate.location.document.file,
        pointer: candidate.location.pointer,
        message: `type "${candidate.id}" differs from "${other.id}" (${other.location.document.file}#${other.location.pointer}) only in letter case; generated files would collide on case-insensitive file systems, so rename one`,
      });
    } else {
      byFoldedId.set(folded, candidate);
    }
  }
  return errors;
}
