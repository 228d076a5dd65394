import { describe, expect, it } from "vitest";
import type { NamedType } from "../../model/model.js";
import { printFile } from "./printer.js";
import { moduleSpecifier, planTypeImports, typeFilePath, typeImportDeclarations } from "./type-imports.js";

function type(id: string): NamedType {
  const segments = id.split("/");
  return {
    id,
    name: segments[segments.length - 1] ?? id,
    namespace: segments.slice(0, -1),
    schema: {},
    source: { file: `${id}.json`, pointer: "" },
  };
}

describe("type import planning", () => {
  it("places types by namespace and writes relative .js specifiers", () => {
    expect(typeFilePath(type("v2/QueuedTurn"))).toBe("types/v2/QueuedTurn.ts");
    expect(typeFilePath(type("InitializeParams"))).toBe("types/InitializeParams.ts");
    expect(moduleSpecifier("types/v2", "types/InitializeParams.ts")).toBe("../InitializeParams.js");
    expect(moduleSpecifier("types", "types/v2/Thread.ts")).toBe("./v2/Thread.js");
    expect(moduleSpecifier("protocol", "types/v2/Thread.ts")).toBe("../types/v2/Thread.js");
  });

  it("aliases only the names that clash, deterministically, whatever the input order", () => {
    const types = [type("v2/RequestId"), type("v2/Thread"), type("RequestId"), type("v2/Foo")];
    const plan = planTypeImports("protocol", types, new Set(["Foo"]));
    expect(plan.map((entry) => [entry.specifier, entry.localName])).toEqual([
      ["../types/RequestId.js", "root_RequestId"],
      ["../types/v2/Foo.js", "v2_Foo"],
      ["../types/v2/RequestId.js", "v2_RequestId"],
      ["../types/v2/Thread.js", "Thread"],
    ]);
    expect(planTypeImports("protocol", [...types].reverse(), new Set(["Foo"]))).toEqual(plan);
    expect(printFile([], [typeImportDeclarations(plan.slice(0, 1))])).toBe(
      'import type { RequestId as root_RequestId } from "../types/RequestId.js";\n',
    );
  });

  it("throws rather than guess when an alias is itself taken", () => {
    expect(() => planTypeImports("types", [type("v2/Thread"), type("Thread")], new Set(["v2_Thread"]))).toThrow(
      /local name "v2_Thread" is already used/,
    );
  });
});
