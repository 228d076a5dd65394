/**
 * Prints factory-built statements as a generated file. One printer with fixed options and
 * `\n` newlines serves every file, so output is identical on every machine and run, and
 * emitting hundreds of files costs no per-file setup.
 */
import ts from "./typescript.js";

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });
// The printer needs a source file for context only; an empty one serves every node.
const context = ts.createSourceFile("generated.ts", "", ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);

/** Prints one node (a statement or a type) as it would appear in a file. */
export function printNode(node: ts.Node): string {
  return printer.printNode(ts.EmitHint.Unspecified, node, context);
}

/**
 * A whole file: the header lines, then each non-empty group of statements separated by one
 * blank line (imports, declarations, …), ending with a single newline.
 */
export function printFile(header: readonly string[], groups: readonly (readonly ts.Statement[])[]): string {
  const blocks = groups
    .filter((group) => group.length > 0)
    .map((group) => group.map(printNode).join("\n"));
  return `${[header.join("\n"), ...blocks].filter((block) => block !== "").join("\n\n")}\n`;
}
