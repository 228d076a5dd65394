/**
 * The validator baseline: ajv compiling at run time what codegen compiles ahead of time — the
 * same bundle (generated/schema/protocol.schemas.json is the model's definitions), the same
 * options as codegen/emit/validators/compile.ts and the same format checks.
 */
import { readFileSync } from "node:fs";
import { Ajv, type Format, type ValidateFunction } from "ajv";
import { VALIDATION_OPTIONS } from "../../codegen/emit/validators/compile.js";
import { formats } from "../../generated/validators/formats.js";

/** The options codegen compiles with, minus the standalone-code ones (source, esm, formats binding). */
export const RUNTIME_AJV_OPTIONS = VALIDATION_OPTIONS;

export interface RuntimeValidators {
  get(typeId: string): ValidateFunction;
}

export function compileAtRunTime(bundlePath: string): RuntimeValidators {
  const bundle = JSON.parse(readFileSync(bundlePath, "utf8")) as { definitions: Record<string, unknown> };
  const ajv = new Ajv(RUNTIME_AJV_OPTIONS);
  // formats.ts types the entries as unknown; they are ajv format definitions.
  for (const [name, definition] of Object.entries(formats)) ajv.addFormat(name, definition as Format);
  ajv.addSchema({ $id: "protocol", definitions: bundle.definitions });
  return {
    get(typeId) {
      const validate = ajv.getSchema(`protocol#/definitions/${typeId}`);
      if (validate === undefined) throw new Error(`no type ${typeId} in ${bundlePath}`);
      return validate as ValidateFunction;
    },
  };
}
