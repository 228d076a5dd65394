import ts from "typescript";
import { describe, expect, it } from "vitest";
import { assertDeclarationName, declarationNameProblem, InvalidNameError, isIdentifierName, propertyNameNode } from "./identifiers.js";
import { printNode } from "./printer.js";

describe("identifier checks", () => {
  it("accepts identifiers, including non-ASCII and astral letters", () => {
    for (const name of ["QueuedTurn", "_x", "$y", "café", "𝑥"]) expect(isIdentifierName(name)).toBe(true);
  });

  it("rejects what is not an identifier", () => {
    for (const name of ["", "1a", "a-b", "a b", "a.b", "a\\u0062"]) expect(isIdentifierName(name)).toBe(false);
  });

  it("flags reserved words for declarations but not for property keys", () => {
    expect(declarationNameProblem("default")).toMatch(/reserved/);
    expect(declarationNameProblem("unknown")).toMatch(/reserved/);
    expect(declarationNameProblem("Thread")).toBeUndefined();
    expect(printNode(ts.factory.createPropertySignature(undefined, propertyNameNode("default"), undefined, undefined))).toBe("default;");
  });

  it("quotes property keys that are not identifiers, escaping them", () => {
    const key = propertyNameNode('content-type"\n');
    expect(printNode(ts.factory.createPropertySignature(undefined, key, undefined, undefined))).toBe('"content-type\\"\\n";');
  });

  it("throws an InvalidNameError naming the subject", () => {
    expect(() => assertDeclarationName("enum", 'type "Foo" (a.json)')).toThrow(InvalidNameError);
    expect(() => assertDeclarationName("enum", 'type "Foo" (a.json)')).toThrow(/^type "Foo" \(a.json\): the name "enum"/);
  });
});
