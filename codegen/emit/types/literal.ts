/** Literal types for JSON values (`enum` members and `const`). */
import ts from "../shared/typescript.js";
import { propertyNameNode } from "../shared/identifiers.js";
import { compareCodeUnits } from "../shared/order.js";

const f = ts.factory;

/** The literal type that admits exactly `value`: `"a"`, `-1`, `true`, `null`, a tuple or an object literal. */
export function literalTypeNode(value: unknown): ts.TypeNode {
  if (value === null) return f.createLiteralTypeNode(f.createNull());
  switch (typeof value) {
    case "string":
      return f.createLiteralTypeNode(f.createStringLiteral(value));
    case "number":
      return f.createLiteralTypeNode(
        value < 0
          ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-value))
          : f.createNumericLiteral(value),
      );
    case "boolean":
      return f.createLiteralTypeNode(value ? f.createTrue() : f.createFalse());
    case "object":
      if (Array.isArray(value)) {
        return ts.setEmitFlags(f.createTupleTypeNode(value.map(literalTypeNode)), ts.EmitFlags.SingleLine);
      }
      return f.createTypeLiteralNode(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => compareCodeUnits(a, b))
          .map(([key, item]) => f.createPropertySignature(undefined, propertyNameNode(key), undefined, literalTypeNode(item))),
      );
    default:
      // JSON has no other values; a schema read from JSON cannot get here.
      return f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword);
  }
}
