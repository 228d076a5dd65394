import { describe, expect, it } from "vitest";
import { InvalidNameError } from "../shared/identifiers.js";
import { emitTypes } from "./index.js";
import { modelOf, namedType, ref } from "./test-support.js";

describe("emitTypes rejects names it cannot emit", () => {
  it("throws for a reserved word, naming the type id and its file", () => {
    const model = modelOf([namedType("v2/class", { type: "string" })]);
    expect(() => emitTypes(model)).toThrow(InvalidNameError);
    expect(() => emitTypes(model)).toThrow(
      'type "v2/class" (schema/v2/class.json): the name "class" is a reserved word in TypeScript modules',
    );
  });

  it("throws for a predefined type name such as string", () => {
    expect(() => emitTypes(modelOf([namedType("string", { type: "string" })]))).toThrow(/"string" is a reserved word/);
  });

  it("throws for a name that is not an identifier, naming the pointer inside a bundle", () => {
    const type = {
      ...namedType("v2/Queued-Turn", { type: "string" }),
      source: { file: "bundle.json", pointer: "/definitions/v2/Queued-Turn" },
    };
    expect(() => emitTypes(modelOf([type]))).toThrow(
      'type "v2/Queued-Turn" (bundle.json#/definitions/v2/Queued-Turn): the name "Queued-Turn" is not a valid TypeScript identifier',
    );
  });

  it("throws for a namespace segment that is not an identifier", () => {
    expect(() => emitTypes(modelOf([namedType("v-2/Thing", { type: "string" })]))).toThrow(/namespace: the name "v-2"/);
  });

  it("throws when a type would overwrite the folder's index.ts", () => {
    expect(() => emitTypes(modelOf([namedType("v2/Index", { type: "string" })]))).toThrow(
      /type "v2\/Index" \(schema\/v2\/Index.json\) would be written to types\/v2\/Index.ts, which clashes with types\/v2\/index.ts/,
    );
  });

  it("throws for two types whose files differ only in case", () => {
    const model = modelOf([namedType("Thread", { type: "string" }), namedType("thread", { type: "string" })]);
    expect(() => emitTypes(model)).toThrow(/types\/thread.ts, which clashes with types\/Thread.ts/);
  });

  it("throws when a type and a child namespace would share an export name", () => {
    const model = modelOf([namedType("v2", { type: "string" }), namedType("v2/Thing", { type: "string" })]);
    expect(() => emitTypes(model)).toThrow(/namespace "v2" \(schema\): a type in types has the same name/);
  });

  it("throws for a $ref that names no type in the model", () => {
    const model = modelOf([namedType("v2/Thread", { type: "object", properties: { turn: ref("v2/Turn") } })]);
    expect(() => emitTypes(model)).toThrow('type "v2/Thread" (schema/v2/Thread.json): $ref "#/definitions/v2/Turn" does not name a type in the model');
  });

  it("throws when the schema's own root JsonValue would meet the built-in one", () => {
    const model = modelOf([namedType("JsonValue", { type: "string" }), namedType("v2/Config", { type: "object", additionalProperties: true })]);
    expect(() => emitTypes(model)).toThrow(
      'type "JsonValue" (schema/JsonValue.json): the root name "JsonValue" is the types emitter\'s built-in for schemas that constrain nothing',
    );
  });

  it("keeps the schema's own root JsonValue when nothing needs the built-in", () => {
    const model = modelOf([namedType("JsonValue", { type: "string" }), namedType("v2/Uses", ref("JsonValue"))]);
    const file = emitTypes(model).find((f) => f.path === "types/JsonValue.ts");
    expect(file?.contents).toContain("export type JsonValue = string;");
  });
});
