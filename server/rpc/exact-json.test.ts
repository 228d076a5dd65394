import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findInexactJson, numberProblem } from "./exact-json.js";

describe("findInexactJson", () => {
  it("finds a repeated key, with the pointer to it, at any depth", () => {
    expect(findInexactJson('{"a":1,"a":2}')).toEqual({ pointer: "/a", problem: 'duplicate key "a"' });
    expect(findInexactJson('{"params":{"turnStartParams":{"threadId":"x","input":[],"threadId":"y"}}}')).toEqual({
      pointer: "/params/turnStartParams/threadId",
      problem: 'duplicate key "threadId"',
    });
    expect(findInexactJson('[{"k":[1,{"x":1,"y":2,"x":3}]}]')?.pointer).toBe("/0/k/1/x");
    // Escapes are compared after decoding: "\u0061" is "a".
    expect(findInexactJson('{"a":1,"\\u0061":2}')?.problem).toBe('duplicate key "a"');
    // Keys in different objects, and strings that only look like keys, are not repeats.
    expect(findInexactJson('{"a":{"a":1},"b":["a","a"],"c":"\\"a\\":1"}')).toBeUndefined();
    expect(findInexactJson('{"a/b":{"~":1,"~":2}}')?.pointer).toBe("/a~1b/~0");
  });

  it("finds the numbers a double changes, and the pointer to them", () => {
    expect(findInexactJson('{"outputSchema":{"maximum":1e309}}')).toEqual({
      pointer: "/outputSchema/maximum",
      problem: "number 1e309 is out of range for a 64-bit float",
    });
    expect(findInexactJson("[1,9007199254740993]")).toEqual({
      pointer: "/1",
      problem: "number 9007199254740993 cannot be kept exactly: it would be read as 9007199254740992",
    });
    expect(findInexactJson('{"z":-0}')?.problem).toBe("number -0 cannot be kept exactly: it would be read as -0, which JSON sends back as 0");
    expect(findInexactJson('{"z":1e-400}')?.problem).toBe("number 1e-400 cannot be kept exactly: it would be read as 0");
    expect(findInexactJson('{"s":"1e309 -0 9007199254740993"}')).toBeUndefined();
  });

  it("keeps numbers whose value survives, however they are written", () => {
    for (const kept of ["0", "0.0", "1", "-1", "1.0", "1e2", "1E+2", "0.1", "-2.5e-3", "123456789012345", "9007199254740992", "1.7976931348623157e308", "5e-324", "0.30000000000000004"]) {
      expect(numberProblem(kept), kept).toBeUndefined();
    }
    for (const changed of ["1e309", "-1e309", "-0", "-0.0", "1e-400", "9007199254740993", "0.10000000000000001", "12345678901234567890", "4.9e-324"]) {
      expect(numberProblem(changed), changed).toBeDefined();
    }
  });

  it("agrees with a JSON.parse → JSON.stringify round trip on generated numbers and objects", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const literal = JSON.stringify(value);
        // What JSON.stringify writes always reads back exactly (except -0, written as 0).
        expect(numberProblem(literal)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findInexactJson(JSON.stringify(value))).toBeUndefined();
      }),
    );
  });

  it("walks deep nesting without recursion", () => {
    const deep = `${"[".repeat(200_000)}1e309${"]".repeat(200_000)}`;
    expect(findInexactJson(deep)?.problem).toBe("number 1e309 is out of range for a 64-bit float");
  });
});
