import { describe, expect, it } from "vitest";
import { knownFormat } from "../formats/index.js";
import { knownFormats } from "./index.js";
import { identifierProblem } from "./identifiers.js";

describe("knownFormats", () => {
  it("holds schemars' numeric formats and ajv-formats' names, sorted", () => {
    for (const name of ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint", "int", "float", "double"]) {
      expect(knownFormats).toContain(name);
    }
    for (const name of ["date-time", "uuid", "uri", "email", "regex"]) expect(knownFormats).toContain(name);
    expect([...knownFormats].sort()).toEqual(knownFormats);
  });

  it("agrees with the formats the validator emitter can check", () => {
    expect(knownFormats.filter((name) => knownFormat(name) === undefined)).toEqual([]);
  });
});

describe("identifierProblem", () => {
  it("accepts identifiers and rejects non-identifiers and reserved words", () => {
    expect(identifierProblem("QueuedTurn")).toBeUndefined();
    expect(identifierProblem("v2")).toBeUndefined();
    expect(identifierProblem("_Private$1")).toBeUndefined();
    expect(identifierProblem("2fa")).toContain("not a valid TypeScript identifier");
    expect(identifierProblem("my-ns")).toContain("not a valid TypeScript identifier");
    expect(identifierProblem("Item/commandExecution")).toContain("not a valid TypeScript identifier");
    for (const word of ["class", "default", "enum", "string", "await", "interface"]) {
      expect(identifierProblem(word)).toContain("reserved word");
    }
  });
});
