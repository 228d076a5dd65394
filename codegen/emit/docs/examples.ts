/**
 * Example values for the site: a type's own `examples` when its schema has them, otherwise one
 * built from the schema by openapi-sampler (required members only, first variant of a union,
 * fixed sample values — deterministic). Every example is checked as the generated validators
 * check it (an ajv with the options, formats and bundle standalone.ts is printed from): a schema's own example
 * that fails is the maintainer's to fix (SchemaInputError → exit 2, naming the type file and
 * the example's pointer); a built one that fails is left out and the page says why.
 */
import type { ErrorObject } from "ajv";
import { sample } from "openapi-sampler";
import type { SchemaError } from "../../errors.js";
import type { JsonSchemaObject, ProtocolModel, TypeId } from "../../model/model.js";
import { refForType } from "../../model/model.js";
import { nestDefinitions } from "../bundle/definitions.js";
import { validationAjv, validatorRef } from "../validators/compile.js";

export type Example =
  | { readonly kind: "schema"; readonly value: unknown }
  | { readonly kind: "built"; readonly value: unknown }
  | { readonly kind: "none"; readonly reason: string };

export interface ExampleBook {
  /** The example shown for a type: its first own example, else a built one. */
  exampleOf(id: TypeId): Example;
  /** Every own example of a type (all validated). */
  ownExamples(id: TypeId): readonly unknown[];
}

/**
 * Validates every type's own `examples` and prepares built ones on demand. Throws nothing;
 * returns the problems as schema errors for the caller to raise together.
 */
export function buildExampleBook(model: ProtocolModel): { book: ExampleBook; errors: SchemaError[] } {
  const ajv = validationAjv(model);
  const validate = (id: TypeId, value: unknown): readonly ErrorObject[] => {
    const check = ajv.getSchema(validatorRef(id));
    if (check === undefined) throw new Error(`no compiled validator for type "${id}"`);
    return check(value) ? [] : (check.errors ?? []);
  };
  const errors: SchemaError[] = [];
  const own = new Map<TypeId, unknown[]>();
  for (const type of model.types) {
    const examples = type.schema["examples"];
    if (examples === undefined) continue;
    if (!Array.isArray(examples)) {
      errors.push({ file: type.source.file, pointer: `${type.source.pointer}/examples`, message: "`examples` must be an array of example values" });
      continue;
    }
    examples.forEach((example, index) => {
      const problems = validate(type.id, example);
      if (problems.length > 0) {
        errors.push({
          file: type.source.file,
          pointer: `${type.source.pointer}/examples/${index}`,
          message: `example ${index} of type "${type.id}" does not match the type's schema: ${describeProblems(problems)}; fix the example or the schema`,
        });
      }
    });
    own.set(type.id, examples);
  }

  let document: JsonSchemaObject | undefined;
  const built = new Map<TypeId, Example>();
  const book: ExampleBook = {
    ownExamples: (id) => own.get(id) ?? [],
    exampleOf(id) {
      const examples = own.get(id) ?? [];
      if (examples.length > 0) return { kind: "schema", value: examples[0] };
      let example = built.get(id);
      if (example === undefined) {
        document ??= { definitions: nestDefinitions(model.types) };
        example = buildExample(id, document, (value) => validate(id, value));
        built.set(id, example);
      }
      return example;
    },
  };
  return { book, errors };
}

function buildExample(id: TypeId, document: JsonSchemaObject, validate: (value: unknown) => readonly ErrorObject[]): Example {
  let value: unknown;
  try {
    value = sample({ $ref: refForType(id) }, { skipNonRequired: true, quiet: true }, document);
  } catch (cause) {
    return { kind: "none", reason: `no example could be built from the schema (${cause instanceof Error ? cause.message : String(cause)}); add \`examples\` to it` };
  }
  const problems = validate(value);
  if (problems.length === 0) return { kind: "built", value };
  return { kind: "none", reason: `the example built from the schema does not pass its validator (${describeProblems(problems)}); add \`examples\` to the schema` };
}

function describeProblems(problems: readonly ErrorObject[]): string {
  const shown = problems.slice(0, 3).map((problem) => `${problem.instancePath || "/"} ${problem.message ?? "is invalid"}`);
  return problems.length > 3 ? `${shown.join("; ")}; and ${problems.length - 3} more` : shown.join("; ");
}
