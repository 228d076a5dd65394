/**
 * The two representational differences the fidelity check forgives, and nothing else, applied
 * to both sides' source text before the compiler compares them:
 * - 64-bit integers: ts-rs writes `bigint`, we write `number` (what `JSON.parse` yields).
 *   Every `bigint` keyword becomes `number`.
 * - optional ↔ nullable: `k?: T`, `k?: T | null` and `k: T | null` read alike. Every property
 *   that is optional or whose written type is a union with `null` becomes `k?: T | null`.
 *   Nullability hidden behind an alias (`k: JsonValue`) is not looked through: only what the
 *   text says counts, on both sides alike.
 */
import ts from "../emit/shared/typescript.js";

const f = ts.factory;
const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });

export function normaliseSource(fileName: string, text: string): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const result = ts.transform(source, [normaliseTransformer]);
  try {
    return printer.printFile(result.transformed[0] as ts.SourceFile);
  } finally {
    result.dispose();
  }
}

const normaliseTransformer: ts.TransformerFactory<ts.SourceFile> = (context) => {
  const visit = (node: ts.Node): ts.Node => {
    if (node.kind === ts.SyntaxKind.BigIntKeyword) return f.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword);
    if (ts.isPropertySignature(node) && node.type !== undefined) {
      const type = ts.visitNode(node.type, visit, ts.isTypeNode);
      const nullable = admitsNull(type);
      if (node.questionToken === undefined && !nullable) return f.updatePropertySignature(node, node.modifiers, node.name, undefined, type);
      return f.updatePropertySignature(
        node,
        node.modifiers,
        node.name,
        f.createToken(ts.SyntaxKind.QuestionToken),
        nullable ? type : f.createUnionTypeNode([type, f.createLiteralTypeNode(f.createNull())]),
      );
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit, ts.isSourceFile);
};

/** Whether the written type is `null` or a union with a `null` member (through parentheses). */
function admitsNull(type: ts.TypeNode): boolean {
  if (ts.isParenthesizedTypeNode(type)) return admitsNull(type.type);
  if (ts.isLiteralTypeNode(type)) return type.literal.kind === ts.SyntaxKind.NullKeyword;
  if (ts.isUnionTypeNode(type)) return type.types.some(admitsNull);
  return false;
}

