/**
 * validators/result.ts: the public result types and the glue between ajv's raw errors and
 * them. The code is fixed (no schema name reaches it); it is kept here as text rather than
 * built node by node because it does not vary; the tests typecheck the emitted file.
 */
import { headerLines, type HeaderOptions } from "../shared/header.js";

export const RESULT_TS = "validators/result.ts";

/** The type of every compiled function, declared in result.ts. */
export const RAW_FUNCTION_TYPE = "StandaloneValidateFunction";

const RESULT_SOURCE = `import { formatHints } from "./formats.js";

/** One problem a validator found. */
export interface ValidationIssue {
  /** JSON pointer to the offending value inside the validated value ("" for the value itself). */
  instancePath: string;
  /** Where the failed rule is in the type's schema ("#/properties/limit/format"). */
  schemaPath: string;
  /** The JSON Schema keyword that failed ("required", "type", "format", …). */
  keyword: string;
  message: string;
  /** The keyword's details, as ajv reports them ({ missingProperty: "threadId" }, …). */
  params: Record<string, unknown>;
}

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

/** An error as the compiled functions in standalone.ts report it. */
export interface RawValidationError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** A compiled function of standalone.ts: true when valid; otherwise it leaves \`errors\`. */
export interface StandaloneValidateFunction {
  (data: unknown): boolean;
  errors?: RawValidationError[] | null;
}

/** The one success value: shared and frozen so that a passing check allocates nothing. */
export const VALID: ValidationResult = Object.freeze({ ok: true });

/** The failure result for the errors a compiled function left behind. */
export function invalid(errors: readonly RawValidationError[] | null | undefined): ValidationResult {
  return { ok: false, errors: (errors ?? []).map(toIssue) };
}

/**
 * One line per issue, e.g. "params/limit: must be uint32 (0..4294967295)". \`root\` names the
 * validated value ("params" for a message's params); without it the path starts below the
 * value and the value itself is "(root)".
 */
export function formatIssues(errors: readonly ValidationIssue[], root = ""): string[] {
  return errors.map((issue) => \`\${issueLocation(issue.instancePath, root)}: \${issue.message}\`);
}

function issueLocation(pointer: string, root: string): string {
  if (root !== "") return root + pointer;
  return pointer === "" ? "(root)" : pointer.slice(1);
}

function toIssue(error: RawValidationError): ValidationIssue {
  return {
    instancePath: error.instancePath,
    schemaPath: error.schemaPath,
    keyword: error.keyword,
    message: issueMessage(error),
    params: { ...error.params },
  };
}

// ajv's messages leave out what a reader most needs: the range a number format allows, the
// values an enum allows, the name of a property that is not allowed; and it writes a type
// union as "integer,null". (\`params\` is a record: read with brackets, so the module compiles
// under \`noPropertyAccessFromIndexSignature\` too.)
function issueMessage(error: RawValidationError): string {
  const { keyword, params } = error;
  const format = params["format"];
  if (keyword === "format" && typeof format === "string" && Object.hasOwn(formatHints, format)) {
    return \`must be \${formatHints[format] ?? format}\`;
  }
  const allowedValues = params["allowedValues"];
  if (keyword === "enum" && Array.isArray(allowedValues)) {
    return \`must be one of \${allowedValues.map((value) => JSON.stringify(value)).join(", ")}\`;
  }
  const type = params["type"];
  if (keyword === "type" && Array.isArray(type)) {
    return \`must be \${type.join(" or ")}\`;
  }
  const additionalProperty = params["additionalProperty"];
  if (keyword === "additionalProperties" && typeof additionalProperty === "string") {
    return \`must not have property \${JSON.stringify(additionalProperty)}\`;
  }
  return error.message ?? \`must pass "\${keyword}"\`;
}
`;

export function resultModule(header: HeaderOptions): string {
  return `${headerLines(header).join("\n")}\n\n${RESULT_SOURCE}`;
}
