/**
 * A schema name that cannot be used in generated code (a clash, a reserved word, an unknown
 * format): the user must rename it. Its own module, so code that only throws it (ajv's
 * compile in a worker thread) does not load TypeScript with identifiers.ts.
 */
export class InvalidNameError extends Error {
  override readonly name = "InvalidNameError";
}
