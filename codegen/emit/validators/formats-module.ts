/**
 * validators/formats.ts: the format checks standalone.ts calls at run time (ajv compiles a
 * format to `protocolFormats.<name>.validate(x)`), printed from codegen/formats so the code
 * that runs is the check ajv compiled against; plus `formatHints`, the "uint32 (0..4294967295)"
 * text that result.ts puts into error messages.
 */
import ts from "../shared/typescript.js";
import { numericFormat, numericFormatHint, type KnownFormat, type NumericFormat } from "../../formats/index.js";
import { headerLines, type HeaderOptions } from "../shared/header.js";
import { propertyNameNode } from "../shared/identifiers.js";
import { printFile } from "../shared/printer.js";
import { exportConst, namedImport } from "./factory.js";

const f = ts.factory;

export const FORMATS_TS = "validators/formats.ts";

/** The binding formats.ts imports ajv-formats' checks under. */
const AJV_FORMATS = "fullFormats";

export function formatsModule(formats: readonly KnownFormat[], header: HeaderOptions): string {
  const imports: ts.Statement[] = [];
  if (formats.some((format) => format.source === "ajv-formats")) {
    imports.push(namedImport([AJV_FORMATS], "ajv-formats/dist/formats.js"));
  }
  const entries = formats.map((format) => f.createPropertyAssignment(propertyNameNode(format.name), formatEntry(format)));
  const hints = formats.flatMap((format) => {
    const numeric = numericFormat(format.name);
    return format.source === "numeric" && numeric !== undefined
      ? [f.createPropertyAssignment(propertyNameNode(format.name), f.createStringLiteral(numericFormatHint(numeric)))]
      : [];
  });
  // Typed as plain records: the entries are ajv format definitions, which only the compiled
  // code reads, and the hints are looked up by a format name found at run time.
  return printFile(headerLines(header), [
    imports,
    [
      exportConst("formats", f.createObjectLiteralExpression(entries, true), readonlyRecord(f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword))),
      exportConst("formatHints", f.createObjectLiteralExpression(hints, true), readonlyRecord(f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword))),
    ],
  ]);
}

function readonlyRecord(value: ts.TypeNode): ts.TypeNode {
  return f.createTypeReferenceNode("Readonly", [f.createTypeReferenceNode("Record", [f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), value])]);
}

function formatEntry(format: KnownFormat): ts.Expression {
  const numeric = numericFormat(format.name);
  if (format.source === "numeric" && numeric !== undefined) {
    return f.createObjectLiteralExpression([
      f.createPropertyAssignment("type", f.createStringLiteral("number")),
      f.createPropertyAssignment(
        "validate",
        f.createArrowFunction(
          undefined,
          undefined,
          [f.createParameterDeclaration(undefined, undefined, "value", undefined, f.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword))],
          f.createKeywordTypeNode(ts.SyntaxKind.BooleanKeyword),
          undefined,
          numericCheck(numeric),
        ),
      ),
    ]);
  }
  return f.createElementAccessExpression(f.createIdentifier(AJV_FORMATS), f.createStringLiteral(format.name));
}

/** `Number.isInteger(value) && value >= MIN && value <= MAX`, or `Number.isFinite(value)`. */
function numericCheck(format: NumericFormat): ts.Expression {
  const value = f.createIdentifier("value");
  const call = (method: string): ts.Expression =>
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Number"), method), undefined, [value]);
  if (format.kind === "finite" || format.min === undefined || format.max === undefined) return call("isFinite");
  const bound = (n: bigint): ts.Expression =>
    n < 0n
      ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral((-n).toString()))
      : f.createNumericLiteral(n.toString());
  return f.createLogicalAnd(
    f.createLogicalAnd(call("isInteger"), f.createBinaryExpression(value, ts.SyntaxKind.GreaterThanEqualsToken, bound(format.min))),
    f.createBinaryExpression(value, ts.SyntaxKind.LessThanEqualsToken, bound(format.max)),
  );
}
