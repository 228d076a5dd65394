import { describe, expect, it } from "vitest";
import { compactJsonText } from "./json-text.js";

describe("compactJsonText", () => {
  it("drops the spaces PostgreSQL prints between tokens", () => {
    expect(compactJsonText('{"a": 1, "b": [1, 2, {"c": null}], "d": true}')).toBe('{"a":1,"b":[1,2,{"c":null}],"d":true}');
  });

  it("keeps strings exactly, spaces, escaped quotes and backslashes included", () => {
    const text = '{"say": "a \\"quoted\\" text , : [ ]", "path": "C:\\\\dir\\\\", "tab": "\\t x"}';
    expect(compactJsonText(text)).toBe('{"say":"a \\"quoted\\" text , : [ ]","path":"C:\\\\dir\\\\","tab":"\\t x"}');
    expect(JSON.parse(compactJsonText(text))).toEqual(JSON.parse(text));
  });

  it("keeps every digit of numbers JavaScript cannot hold", () => {
    expect(compactJsonText('{"n": 18446744073709551615, "x": 1.000000000000000000001}')).toBe(
      '{"n":18446744073709551615,"x":1.000000000000000000001}',
    );
  });

  it("leaves compact text and scalars as they are", () => {
    for (const text of ['{"a":1}', "[]", '"a b"', "12", "null"]) expect(compactJsonText(text)).toBe(text);
  });
});
