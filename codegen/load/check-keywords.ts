import type { SchemaError } from "../errors.js";
import { knownKeywords, unhonouredKeyword, type Dialect } from "./dialect.js";
import { joinPointer } from "./json-pointer.js";
import { isKnownFormat } from "./known-formats.js";
import { forEachSchemaObject } from "./schema-walk.js";

export interface KeywordFindings {
  readonly errors: SchemaError[];
  /** Unknown keywords that look like a misspelt known one: kept as annotations, but said. */
  readonly warnings: SchemaError[];
}

/**
 * Keyword uses the meta-schema allows but the toolkit cannot honour: an unknown `format`
 * (it would validate nothing), `$id` (it changes what relative `$ref`s mean, while a type's
 * identity here is its file path or definitions key), and validation keywords we cannot
 * translate or that the schema's dialect ignores (see ./dialect.ts). Other unknown keywords
 * are the author's annotations (`x-…`, `enumDescriptions`): fine, unless one is a near miss of
 * a real keyword (`requried`), which is a warning.
 */
export function checkKeywords(schema: unknown, dialect: Dialect, file: string, pointer: string): KeywordFindings {
  const errors: SchemaError[] = [];
  const warnings: SchemaError[] = [];
  forEachSchemaObject(schema, pointer, (node, nodePointer) => {
    const format = node["format"];
    if (typeof format === "string" && !isKnownFormat(format)) {
      errors.push({
        file,
        pointer: joinPointer(nodePointer, "format"),
        message: `unknown format ${JSON.stringify(format)}: use a known one (schemars' int32, uint64, double, …; ajv-formats' date-time, uuid, uri, …; see knownFormats in codegen/load/known-formats.ts) or remove it`,
      });
    }
    if ("$id" in node) {
      errors.push({
        file,
        pointer: joinPointer(nodePointer, "$id"),
        message: "$id is not supported (a type is identified by its file path or definitions key, and $id would change how $refs resolve); remove it",
      });
    }
    for (const keyword of Object.keys(node)) {
      const unhonoured = unhonouredKeyword(keyword, dialect);
      if (unhonoured !== undefined) {
        errors.push({ file, pointer: joinPointer(nodePointer, keyword), message: unhonoured });
        continue;
      }
      const ignored = ignoredKeyword(keyword, node);
      if (ignored !== undefined) {
        warnings.push({ file, pointer: joinPointer(nodePointer, keyword), message: ignored });
        continue;
      }
      const meant = knownKeywords.has(keyword) ? undefined : nearKeyword(keyword);
      if (meant !== undefined) {
        warnings.push({
          file,
          pointer: joinPointer(nodePointer, keyword),
          message: `"${keyword}" is not a JSON Schema keyword, so it validates nothing (kept as an annotation); did you mean "${meant}"?`,
        });
      }
    }
  });
  return { errors, warnings };
}

/** Why a known keyword validates nothing where it stands (JSON Schema ignores it there), if it does. */
function ignoredKeyword(keyword: string, node: Record<string, unknown>): string | undefined {
  if ((keyword === "then" || keyword === "else") && !("if" in node)) return `"${keyword}" without "if" validates nothing; add the "if" or remove it`;
  if (keyword === "additionalItems" && !Array.isArray(node["items"])) {
    return `"additionalItems" validates nothing unless "items" is an array of schemas; constrain the items with "items" instead`;
  }
  return undefined;
}

/**
 * The known keyword an unknown one is probably a misspelling of: equal ignoring case, or at
 * most two edits away from a keyword of five letters or more. Vendor prefixes (`x-`, `_`)
 * mark deliberate annotations and are never flagged.
 */
function nearKeyword(keyword: string): string | undefined {
  if (keyword.startsWith("x-") || keyword.startsWith("_")) return undefined;
  const lower = keyword.toLowerCase();
  for (const known of knownKeywords) {
    if (known.toLowerCase() === lower) return known;
  }
  for (const known of knownKeywords) {
    if (known.length >= 5 && Math.abs(known.length - keyword.length) <= 2 && editDistance(known, keyword) <= 2) return known;
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
