import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import type { SchemaError } from "../errors.js";
import { joinPointer } from "./json-pointer.js";

export const draft07MetaSchemaUri = "http://json-schema.org/draft-07/schema#";

/**
 * One ajv instance for the process: the draft-07 meta-schema is compiled once, not per type
 * file (hundreds of files in the upstream corpus).
 */
let sharedAjv: Ajv | undefined;
let draft07Validator: ValidateFunction | undefined;

function ajvInstance(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: true, strict: false });
    ajvFormats.default(sharedAjv);
  }
  return sharedAjv;
}

function draft07(): ValidateFunction {
  if (!draft07Validator) {
    const validate = ajvInstance().getSchema(draft07MetaSchemaUri);
    if (!validate) throw new Error("ajv has no draft-07 meta-schema");
    draft07Validator = validate;
  }
  return draft07Validator;
}

/** Meta-schema violations of one type schema found at `pointer` in `file`. */
export function validateAgainstDraft07(schema: unknown, file: string, pointer: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const declared = typeof schema === "object" && schema !== null ? (schema as Record<string, unknown>)["$schema"] : undefined;
  if (declared !== undefined && declared !== draft07MetaSchemaUri && declared !== draft07MetaSchemaUri.slice(0, -1)) {
    errors.push({
      file,
      pointer: joinPointer(pointer, "$schema"),
      message: `unsupported $schema ${JSON.stringify(declared)}: only draft-07 is supported; set it to "${draft07MetaSchemaUri}"`,
    });
  }
  const validate = draft07();
  if (!validate(schema)) {
    errors.push(...describeAjvErrors(validate.errors ?? [], file, pointer, "not a valid draft-07 schema"));
  }
  return errors;
}

/** Compiles a meta-schema given as data (e.g. protocol.schema.json); throws on a broken one. */
export function compileMetaSchema(metaSchema: object): ValidateFunction {
  const ajv = ajvInstance();
  const id = (metaSchema as { $id?: unknown }).$id;
  const known = typeof id === "string" ? ajv.getSchema(id) : undefined;
  return known ?? ajv.compile(metaSchema);
}

/**
 * ajv's errors grouped by location: one SchemaError per instance path, alternatives of an
 * anyOf/oneOf joined with "or" instead of three separate lines for one mistake.
 */
export function describeAjvErrors(
  ajvErrors: readonly ErrorObject[],
  file: string,
  pointer: string,
  what: string,
): SchemaError[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of ajvErrors) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const result: SchemaError[] = [];
  for (const [instancePath, errors] of byPath) {
    const specific = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
    const shown = specific.length > 0 ? specific : errors;
    const messages = [...new Set(shown.map(describeOne))];
    result.push({ file, pointer: pointer + instancePath, message: `${what}: ${messages.join(" or ")}` });
  }
  return result;
}

function describeOne(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const message = error.message ?? error.keyword;
  if (error.keyword === "enum" && Array.isArray(params["allowedValues"])) {
    return `${message} (${params["allowedValues"].map((v) => JSON.stringify(v)).join(", ")})`;
  }
  if (error.keyword === "additionalProperties" && typeof params["additionalProperty"] === "string") {
    return `unknown member "${params["additionalProperty"]}": remove it or fix its spelling`;
  }
  return message;
}
