/**
 * Golden tests for the protocol, server, client and scaffold emitters on the hand-built fixture
 * (test/fixtures/emit-protocol/model.ts). Expected files live under
 * test/fixtures/emit-protocol/expected/ with a ".golden" suffix (so neither tsc nor vitest
 * picks them up); regenerate them with UPDATE_GOLDEN=1 after an intended change.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { GeneratedFile } from "../codegen/model/model.js";
import { emitClient } from "../codegen/emit/client/index.js";
import { emitProtocol } from "../codegen/emit/protocol/index.js";
import { emitRuntime, runtimeSourceFiles } from "../codegen/emit/runtime/index.js";
import { RUNTIME_NEEDS } from "../codegen/emit/shared/header.js";
import { emitServer } from "../codegen/emit/server/index.js";
import { createHandlerStubsEmitter, emitHandlerStubs, handlerStubsEmitterFor } from "../codegen/emit/server/scaffold.js";
import { changedFixtureModel, fixtureMethod, fixtureModel, fixtureWithMethods } from "./fixtures/emit-protocol/model.js";

const EXPECTED_DIR = fileURLToPath(new URL("./fixtures/emit-protocol/expected/", import.meta.url));
const update = process.env["UPDATE_GOLDEN"] === "1";

function emitted(): GeneratedFile[] {
  const model = fixtureModel();
  const scaffold = emitHandlerStubs(model).map((file) => ({ path: `scaffold/${file.path}`, contents: file.contents }));
  return [...emitProtocol(model), ...emitServer(model), ...emitClient(model), ...scaffold];
}

function listGolden(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listGolden(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe("protocol/server/client emitters: golden output", () => {
  const files = emitted();

  if (update) {
    it("rewrites the golden files (UPDATE_GOLDEN=1)", () => {
      for (const file of files) {
        const path = join(EXPECTED_DIR, `${file.path}.golden`);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.contents);
      }
      expect(listGolden(EXPECTED_DIR).length).toBe(files.length);
    });
  }

  it("emits exactly the expected set of files", () => {
    const expected = listGolden(EXPECTED_DIR).map((path) => path.replace(/\.golden$/, "")).sort();
    expect(files.map((file) => file.path).sort()).toEqual(expected);
  });

  it.each(files.map((file) => [file.path, file] as const))("%s matches its golden file", (path, file) => {
    expect(file.contents).toBe(readFileSync(join(EXPECTED_DIR, `${path}.golden`), "utf8"));
  });

  it("is deterministic: a second run is byte-identical", () => {
    expect(emitted()).toEqual(files);
  });

  it("keeps method names as string literals and escapes comment terminators from descriptions", () => {
    const methods = files.find((file) => file.path === "protocol/methods.ts")?.contents ?? "";
    expect(methods).toContain('"item/add": {');
    expect(methods).toContain("The *\\/ in this text must not end the comment.");
    expect(methods).not.toMatch(/The \*\/ in this/);
  });

  it("changes the output when the model changes", () => {
    const changed = changedFixtureModel();
    const before = new Map(files.map((file) => [file.path, file.contents]));
    const after = [...emitProtocol(changed), ...emitServer(changed), ...emitClient(changed)];
    const differing = after.filter((file) => before.get(file.path) !== file.contents).map((file) => file.path).sort();
    expect(differing).toEqual(["client/client.ts", "protocol/methods.ts", "server/notifications.ts"]);
    const sender = after.find((file) => file.path === "server/notifications.ts")?.contents ?? "";
    expect(sender).toContain('itemRemoved: params => sendChecked(send, validate ? validators_v2.validateItem : undefined, "item/removed", params)');
  });
});

describe("handler scaffold", () => {
  it("imports the generated server by its path relative to the scaffold folder", () => {
    const files = handlerStubsEmitterFor("server/rpc/handlers", "generated")(fixtureModel());
    const stub = files.find((file) => file.path === "item-add.ts")?.contents ?? "";
    expect(stub).toContain('import { ErrorCodes, RpcError, type ClientRequestHandler } from "../../../generated/server/index.js";');
    expect(stub).toContain('export const itemAdd: ClientRequestHandler<"item/add", HandlerContext> = async (_params, _ctx) => {');
    const index = files.find((file) => file.path === "index.ts")?.contents ?? "";
    expect(index).toContain('import type { DispatcherHandlers } from "../../../generated/server/index.js";');
    expect(files.every((file) => file.contents.startsWith("// Scaffolded by codegen from fixture"))).toBe(true);
  });
});

describe("protocol/server/client emitters: names they cannot use", () => {
  const base = fixtureModel().methods;
  const notification = (method: string) =>
    fixtureMethod({ method, kind: "notification", direction: "serverToClient", params: null, result: null, description: "" });

  it("rejects two methods that camel-case to the same sender name", () => {
    const model = fixtureWithMethods([...base, notification("item/changedAll"), notification("item/changed/all")]);
    expect(() => emitServer(model)).toThrow('methods "item/changed/all" and "item/changedAll" both camel-case to itemChangedAll');
  });

  it("rejects a method whose camel-cased name is not an identifier", () => {
    const model = fixtureWithMethods([...base, notification("2fa/required")]);
    expect(() => emitServer(model)).toThrow(/"2fa\/required".*"2faRequired" is not a valid TypeScript identifier/);
  });

  it("rejects a method that names a type the model does not define", () => {
    const broken = fixtureMethod({ method: "item/ghost", kind: "request", direction: "clientToServer", params: "v2/Ghost", result: null, description: "" });
    const model = fixtureWithMethods([...base, broken]);
    expect(() => emitProtocol(model)).toThrow(/method "item\/ghost" \(fixture\/protocol.json\) refers to type "v2\/Ghost"/);
  });

  it("rejects a method declared twice", () => {
    const model = fixtureWithMethods([...base, notification("item/changed")]);
    expect(() => emitProtocol(model)).toThrow(/method "item\/changed" is declared more than once/);
  });

  it("rejects a scaffold file name that would clash with the scaffold's own files", () => {
    const clash = fixtureMethod({ method: "index", kind: "notification", direction: "clientToServer", params: null, result: null, description: "" });
    expect(() => emitHandlerStubs(fixtureWithMethods([...base, clash]))).toThrow(/stub file index\.ts clashes/);
  });

  it("rejects a method that cannot name a stub file", () => {
    const bad = fixtureMethod({ method: "../escape", kind: "request", direction: "clientToServer", params: null, result: null, description: "" });
    expect(() => createHandlerStubsEmitter({ serverImport: "../server/index.js" })(fixtureWithMethods([...base, bad]))).toThrow(/cannot name a file/);
  });
});

describe("runtime emitter", () => {
  it("copies every runtime module except tests, in order, behind the generated header", () => {
    const runtimeDir = fileURLToPath(new URL("../codegen/runtime/", import.meta.url));
    const sources = runtimeSourceFiles(runtimeDir);
    const files = emitRuntime(fixtureModel());
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.some((path) => path.endsWith(".test.ts"))).toBe(false);
    expect(files.map((file) => file.path)).toEqual(sources.map((path) => `runtime/${path}`));
    for (const [index, file] of files.entries()) {
      const source = sources[index] ?? "";
      const needs = source === "index.ts" ? `// Needs at run time: ${RUNTIME_NEEDS}\n` : "";
      expect(file.contents.startsWith(`// Generated by codegen from thread-queue-codegen's runtime (${source}) — do not edit by hand.\n// Regenerate with: npx thread-queue-codegen\n${needs}\n`)).toBe(true);
      expect(file.contents.endsWith(readFileSync(join(runtimeDir, source), "utf8").replace(/\r\n?/g, "\n"))).toBe(true);
    }
  });
});
