/**
 * Type names and namespace segments become TypeScript identifiers, file names and export
 * names. A name that cannot be one is an error: the loader never renames (no silent `Foo1`).
 */

const identifierPattern = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/** ECMAScript reserved words (strict mode included) and TypeScript's built-in type names. */
const reservedWords: ReadonlySet<string> = new Set([
  "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
  "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function",
  "if", "implements", "import", "in", "instanceof", "interface", "let", "new", "null",
  "package", "private", "protected", "public", "return", "static", "super", "switch", "this",
  "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
  "any", "bigint", "boolean", "never", "number", "object", "string", "symbol", "undefined",
  "unknown", "arguments", "eval",
]);

/** Why `name` cannot be a type name or namespace, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (!identifierPattern.test(name)) {
    return `"${name}" is not a valid TypeScript identifier (letters, digits, "_" and "$", not starting with a digit)`;
  }
  if (reservedWords.has(name)) {
    return `"${name}" is a reserved word in TypeScript`;
  }
  return undefined;
}
