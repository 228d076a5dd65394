/**
 * Identifier checks for names that come from schemas. A name becomes code only after it
 * passes here; one that cannot be used is an error, never silently renamed (a renamed export
 * would break every client that imports it by its schema name).
 */
import ts from "./typescript.js";
import { InvalidNameError } from "./name-error.js";

/**
 * Words that cannot name a declaration or an import binding in a strict ES module, plus the
 * names TypeScript forbids for a type alias, plus `Array`, which generated code uses as the
 * global generic and which a local declaration would shadow.
 */
const RESERVED = new Set<string>([
  // ECMAScript reserved words
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
  "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import",
  "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true",
  "try", "typeof", "var", "void", "while", "with",
  // reserved in strict mode and in modules
  "implements", "interface", "let", "package", "private", "protected", "public", "static",
  "yield", "await", "arguments", "eval",
  // predefined type names that cannot name a type alias
  "any", "unknown", "never", "number", "bigint", "boolean", "string", "symbol", "object",
  "undefined",
  // used by generated code
  "Array",
]);

/** True when `text` is an IdentifierName (reserved words included): usable as a plain property key. */
export function isIdentifierName(text: string): boolean {
  // Code points, not UTF-16 units, so astral letters (valid in identifiers) are judged whole.
  const codePoints = [...text].map((char) => char.codePointAt(0) ?? 0);
  const [first, ...rest] = codePoints;
  return (
    first !== undefined &&
    ts.isIdentifierStart(first, ts.ScriptTarget.ES2022) &&
    rest.every((point) => ts.isIdentifierPart(point, ts.ScriptTarget.ES2022))
  );
}

export function isReservedName(text: string): boolean {
  return RESERVED.has(text);
}

/** Why `name` cannot name a declaration or binding, or undefined when it can. */
export function declarationNameProblem(name: string): string | undefined {
  if (!isIdentifierName(name)) return "is not a valid TypeScript identifier";
  if (isReservedName(name)) return "is a reserved word in TypeScript modules";
  return undefined;
}

/** A schema name that cannot become code. The message names the schema element and its file. */
export { InvalidNameError } from "./name-error.js";

/**
 * Throws {@link InvalidNameError} unless `name` can name a declaration.
 * `subject` says where the name comes from, e.g. `type "v2/Foo" (schema/v2/Foo.json)`.
 */
export function assertDeclarationName(name: string, subject: string): void {
  const problem = declarationNameProblem(name);
  if (problem !== undefined) {
    throw new InvalidNameError(
      `${subject}: the name ${JSON.stringify(name)} ${problem}; rename it in the schema (generated names are never changed silently)`,
    );
  }
}

/** A property key as the factory should print it: bare when it is an IdentifierName, quoted otherwise. */
export function propertyNameNode(key: string): ts.PropertyName {
  return isIdentifierName(key) ? ts.factory.createIdentifier(key) : ts.factory.createStringLiteral(key);
}
