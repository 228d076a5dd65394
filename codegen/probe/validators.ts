/**
 * The probe's schema checks, compiled at run time from the loaded model: the probe tests any
 * protocol given by `--schema`, not only the one whose validators are committed in generated/.
 * The ajv setup is the validators emitter's (same bundle layout, same format checks from
 * codegen/formats), so a value the probe calls valid is one our generated validators accept.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { knownFormat } from "../formats/index.js";
import { BUNDLE_ID, bundleSchema } from "../emit/validators/compile.js";
import { usedFormats } from "../emit/validators/used-formats.js";
import type { ProtocolModel, TypeId } from "../model/model.js";

export interface SchemaIssue {
  /** JSON pointer inside the validated value. */
  readonly pointer: string;
  readonly message: string;
}

export type SchemaVerdict = { readonly ok: true } | { readonly ok: false; readonly issues: readonly SchemaIssue[] };

const VALID: SchemaVerdict = Object.freeze({ ok: true });

export class ProtocolValidators {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<TypeId, ValidateFunction>();

  constructor(model: ProtocolModel) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    for (const { format } of usedFormats(model.types)) {
      const known = knownFormat(format);
      // The loader has already refused unknown formats; ajv would refuse them again.
      if (known !== undefined) this.ajv.addFormat(format, known.definition);
    }
    this.ajv.addSchema(bundleSchema(model.types, (keyword) => this.ajv.RULES.keywords[keyword] === true));
  }

  /** Validates `value` against the named type; each type is compiled on first use. */
  validate(typeId: TypeId, value: unknown): SchemaVerdict {
    const check = this.compile(typeId);
    if (check(value)) return VALID;
    const issues = (check.errors ?? []).map((error) => ({
      pointer: error.instancePath,
      message: describe(error.keyword, error.params, error.message),
    }));
    return { ok: false, issues };
  }

  private compile(typeId: TypeId): ValidateFunction {
    let check = this.compiled.get(typeId);
    if (check === undefined) {
      const found = this.ajv.getSchema(`${BUNDLE_ID}#/definitions/${typeId}`);
      if (found === undefined) throw new Error(`no schema for type ${typeId}`);
      check = found;
      this.compiled.set(typeId, check);
    }
    return check;
  }
}

// ajv's own message leaves out the one thing a reader needs for these keywords.
function describe(keyword: string, params: Record<string, unknown>, message: string | undefined): string {
  if (keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return `must not have property ${JSON.stringify(params.additionalProperty)}`;
  }
  if (keyword === "enum" && Array.isArray(params.allowedValues)) {
    return `must be one of ${params.allowedValues.map((value) => JSON.stringify(value)).join(", ")}`;
  }
  return message ?? `must pass "${keyword}"`;
}

/** "params/limit: must be <= 100; params: must have required property 'threadId'" */
export function formatIssues(issues: readonly SchemaIssue[], root: string, limit = 3): string {
  const shown = issues.slice(0, limit).map((issue) => `${root}${issue.pointer}: ${issue.message}`);
  if (issues.length > limit) shown.push(`… ${issues.length - limit} more`);
  return shown.join("; ");
}
