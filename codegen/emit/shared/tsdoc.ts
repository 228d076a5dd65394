/**
 * TSDoc comments from schema text. Comments are attached as synthetic comments so the
 * printer places and indents them; the text is escaped so a schema cannot end the comment.
 */
import ts from "./typescript.js";

/**
 * Attaches a `/** … *\/` block made of `lines` (each may contain line breaks) to `node`.
 * Does nothing when there is no text. Returns the node for chaining.
 */
export function withDoc<T extends ts.Node>(node: T, lines: readonly string[]): T {
  const body = lines
    .flatMap((line) => line.replace(/\r\n?/g, "\n").split("\n"))
    .map((line) => escapeCommentText(line).trimEnd());
  while (body.length > 0 && body[body.length - 1] === "") body.pop();
  while (body.length > 0 && body[0] === "") body.shift();
  if (body.length === 0) return node;
  const text = `*\n${body.map((line) => (line === "" ? " *" : ` * ${line}`)).join("\n")}\n `;
  return ts.addSyntheticLeadingComment(node, ts.SyntaxKind.MultiLineCommentTrivia, text, true);
}

/** Makes text safe inside a block comment: `*\/` would close it early. */
export function escapeCommentText(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/[\u2028\u2029]/g, " ");
}
