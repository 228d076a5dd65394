/**
 * Problems in a user's schemas are values, not exceptions: each names the file, the JSON
 * pointer inside it and what to do, so a maintainer can fix all of them in one pass.
 */
export interface SchemaError {
  /** Path of the offending file, relative to the working directory, "/" separators. */
  readonly file: string;
  /** JSON pointer inside that file ("" for the whole document). */
  readonly pointer: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

/** One line per error, `<file>#<pointer>: <message>`, the form editors and CI logs link. */
export function formatSchemaError(error: SchemaError): string {
  return `${error.file}#${error.pointer}: ${error.message}`;
}

/** Errors ordered by file, then pointer, so output is stable across runs. */
export function sortSchemaErrors(errors: readonly SchemaError[]): SchemaError[] {
  return [...errors].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      compareStrings(a.pointer, b.pointer) ||
      compareStrings(a.message, b.message),
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Thrown by an emitter that finds a problem only it can see (a schema `examples` entry that
 * fails the schema's own validator): the CLI prints each error and exits 2, as for the
 * loader's errors, and writes nothing.
 */
export class SchemaInputError extends Error {
  override readonly name = "SchemaInputError";
  constructor(readonly errors: readonly SchemaError[]) {
    super(errors.map(formatSchemaError).join("\n"));
  }
}
