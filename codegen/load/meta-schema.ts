import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { SchemaError } from "../errors.js";
import { dialectUris, type Dialect } from "./dialect.js";

/**
 * One ajv instance per dialect for the process: each meta-schema is compiled once, not per
 * type (hundreds of them in the upstream corpus).
 */
let sharedAjv: Ajv | undefined;
let sharedAjv2020: Ajv2020 | undefined;
const metaValidators = new Map<Dialect, ValidateFunction>();

function ajvInstance(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: true, strict: false });
    ajvFormats.default(sharedAjv);
  }
  return sharedAjv;
}

function metaValidator(dialect: Dialect): ValidateFunction {
  let validate = metaValidators.get(dialect);
  if (!validate) {
    if (dialect === "2020-12") sharedAjv2020 ??= new Ajv2020({ allErrors: true, strict: false });
    const ajv = dialect === "2020-12" ? sharedAjv2020 : ajvInstance();
    validate = ajv?.getSchema(dialectUris[dialect]);
    if (!validate) throw new Error(`ajv has no ${dialect} meta-schema`);
    metaValidators.set(dialect, validate);
  }
  return validate;
}

/** Meta-schema violations of one type schema found at `pointer` in `file`, in its dialect. */
export function validateAgainstMetaSchema(schema: unknown, dialect: Dialect, file: string, pointer: string): SchemaError[] {
  const validate = metaValidator(dialect);
  if (validate(schema)) return [];
  return describeAjvErrors(validate.errors ?? [], file, pointer, `not a valid ${dialect} schema`);
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
