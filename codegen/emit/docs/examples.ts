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
import type { CheckProblems, ValueCheck } from "../validators/compile.js";

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
 * Every example value, before it is checked: each type's own `examples`, and one built for
 * each of `shownFor` that has none. `complete` takes the problems of each check (in the
 * order of `checks`) and gives the book, or the problems as schema errors for the caller to
 * raise together. Checking is the caller's, so the validators can run where they are
 * compiled already (the CLI's worker thread) or in-process.
 */
export interface ExampleDraft {
  readonly checks: readonly ValueCheck[];
  /** A type's own examples (checked only by `complete`). */
  ownExamples(id: TypeId): readonly unknown[];
  complete(problems: readonly CheckProblems[]): { book: ExampleBook; errors: SchemaError[] };
}

export function draftExamples(model: ProtocolModel, shownFor: Iterable<TypeId>): ExampleDraft {
  const checks: ValueCheck[] = [];
  const malformed = new Map<TypeId, SchemaError>();
  const own = new Map<TypeId, unknown[]>();
  for (const type of model.types) {
    const examples = type.schema["examples"];
    if (examples === undefined) continue;
    if (!Array.isArray(examples)) {
      malformed.set(type.id, { file: type.source.file, pointer: `${type.source.pointer}/examples`, message: "`examples` must be an array of example values" });
      continue;
    }
    for (const value of examples) checks.push({ typeId: type.id, value });
    own.set(type.id, examples);
  }
  const ownChecks = checks.length;

  const ownExamples = (id: TypeId): readonly unknown[] => own.get(id) ?? [];

  let document: JsonSchemaObject | undefined;
  const sampled = new Map<TypeId, { value: unknown } | { failure: string }>();
  for (const id of shownFor) {
    if (sampled.has(id) || (own.get(id) ?? []).length > 0) continue;
    document ??= { definitions: nestDefinitions(model.types) };
    const built = sampleOf(id, document);
    sampled.set(id, built);
    if ("value" in built) checks.push({ typeId: id, value: built.value });
  }

  return {
    checks,
    ownExamples,
    complete(problems) {
      if (problems.length !== checks.length) throw new Error(`${checks.length} example values were checked, ${problems.length} answers came back`);
      const errors: SchemaError[] = [];
      let index = 0;
      for (const type of model.types) {
        const notAnArray = malformed.get(type.id);
        if (notAnArray !== undefined) errors.push(notAnArray);
        (own.get(type.id) ?? []).forEach((_, n) => {
          const found = problems[index++] ?? [];
          if (found.length === 0) return;
          errors.push({
            file: type.source.file,
            pointer: `${type.source.pointer}/examples/${n}`,
            message: `example ${n} of type "${type.id}" does not match the type's schema: ${describeProblems(found)}; fix the example or the schema`,
          });
        });
      }
      const built = new Map<TypeId, Example>();
      let builtIndex = ownChecks;
      for (const [id, outcome] of sampled) {
        if ("failure" in outcome) {
          built.set(id, { kind: "none", reason: `no example could be built from the schema (${outcome.failure}); add \`examples\` to it` });
          continue;
        }
        const found = problems[builtIndex++] ?? [];
        built.set(
          id,
          found.length === 0
            ? { kind: "built", value: outcome.value }
            : { kind: "none", reason: `the example built from the schema does not pass its validator (${describeProblems(found)}); add \`examples\` to the schema` },
        );
      }
      const book: ExampleBook = {
        ownExamples,
        exampleOf(id) {
          const examples = own.get(id) ?? [];
          if (examples.length > 0) return { kind: "schema", value: examples[0] };
          const example = built.get(id);
          if (example === undefined) throw new Error(`no example was drafted for type "${id}" (draftExamples's shownFor must name every type a page shows an example of)`);
          return example;
        },
      };
      return { book, errors };
    },
  };
}

function sampleOf(id: TypeId, document: JsonSchemaObject): { value: unknown } | { failure: string } {
  try {
    return { value: sample({ $ref: refForType(id) }, { skipNonRequired: true, quiet: true }, document) };
  } catch (cause) {
    return { failure: cause instanceof Error ? cause.message : String(cause) };
  }
}

function describeProblems(problems: readonly ErrorObject[]): string {
  const shown = problems.slice(0, 3).map((problem) => `${problem.instancePath || "/"} ${problem.message ?? "is invalid"}`);
  return problems.length > 3 ? `${shown.join("; ")}; and ${problems.length - 3} more` : shown.join("; ");
}
