import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ProtocolModel } from "../../model/model.js";
import { emitTypes } from "./index.js";
import { modelOf, namedType, ref } from "./test-support.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__");

/** Each case is a small hand-built model; its expected output lives in __fixtures__/<case>/. */
const cases: Record<string, ProtocolModel> = {
  nullable: modelOf([
    namedType("v2/Reason", { type: "string" }),
    namedType("v2/Nullable", {
      type: "object",
      properties: {
        viaTypeArray: { type: ["string", "null"] },
        viaAnyOf: { anyOf: [ref("v2/Reason"), { type: "null" }] },
        viaOneOf: { oneOf: [{ type: "integer", format: "int64" }, { type: "null" }] },
        objectOrNull: { type: ["object", "null"], additionalProperties: { type: "string" } },
      },
      required: ["viaTypeArray", "viaAnyOf", "viaOneOf", "objectOrNull"],
    }),
  ]),
  optional: modelOf([
    namedType("v2/ThreadQueueListParams", {
      type: "object",
      properties: {
        threadId: { type: "string" },
        cursor: { type: ["string", "null"] },
        limit: { type: ["integer", "null"], format: "uint32", minimum: 0 },
        "content-type": { type: "string" },
      },
      required: ["threadId"],
    }),
  ]),
  enum: modelOf([
    namedType("v2/ReasoningEffort", { type: "string", enum: ["none", "minimal", "low", "medium", "high"] }),
    namedType("v2/Mixed", { enum: ["auto", 1, -2, true, null] }),
    namedType("v2/Constant", { const: "fixed" }),
  ]),
  "tagged-union": modelOf([
    namedType("v2/TurnError", {
      type: "object",
      properties: { message: { type: "string" } },
      required: ["message"],
    }),
    namedType("v2/QueuedTurnStatus", {
      oneOf: [
        {
          title: "PendingQueuedTurnStatus",
          type: "object",
          properties: { type: { title: "PendingQueuedTurnStatusType", type: "string", enum: ["pending"] } },
          required: ["type"],
        },
        {
          title: "FailedQueuedTurnStatus",
          type: "object",
          properties: { error: ref("v2/TurnError"), type: { type: "string", enum: ["failed"] } },
          required: ["error", "type"],
        },
      ],
    }),
    namedType("v2/HookMetadata", {
      type: "object",
      properties: { key: { type: "string" } },
      required: ["key"],
      oneOf: [
        { type: "object", properties: { kind: { const: "command" }, command: { type: "string" } }, required: ["kind", "command"] },
        { type: "object", properties: { kind: { const: "prompt" } }, required: ["kind"] },
      ],
    }),
  ]),
  "untagged-union": modelOf([
    namedType("RequestId", { anyOf: [{ type: "string" }, { type: "integer", format: "int64" }] }),
    namedType("v2/Input", { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }, ref("RequestId")] }),
  ]),
  alias: modelOf([
    namedType("v2/QueuedTurnStartParams", ref("v2/TurnStartParams")),
    namedType("v2/TurnStartParams", {
      type: "object",
      properties: { threadId: { type: "string" } },
      required: ["threadId"],
    }),
  ]),
  "map-type": modelOf([
    namedType("v2/Env", { type: "object", additionalProperties: { type: ["string", "null"] } }),
    namedType("v2/AnyConfig", { type: "object", additionalProperties: true }),
    namedType("v2/EmptyResponse", { type: "object" }),
    namedType("v2/Closed", {
      type: "object",
      properties: { name: { type: "string" } },
      required: ["name"],
      additionalProperties: false,
    }),
    namedType("v2/Open", { type: "object", properties: { name: { type: "string" } }, required: ["name"] }),
    namedType("v2/Shapes", {
      type: "object",
      properties: {
        pair: { type: "array", items: [{ type: "string" }, { type: "number" }] },
        anything: {},
        opaque: true,
        list: { type: "array", items: true },
        both: { allOf: [ref("v2/Open"), { type: "object", properties: { extra: { type: "boolean" } } }] },
        tree: ref("v2/Shapes"),
      },
      required: ["pair", "anything"],
    }),
  ]),
  "namespace-collision": modelOf([
    namedType("RequestId", { anyOf: [{ type: "string" }, { type: "integer" }] }),
    namedType("v2/RequestId", { type: "string" }),
    namedType("v2/Both", {
      type: "object",
      properties: { root: ref("RequestId"), local: ref("v2/RequestId") },
      required: ["root", "local"],
    }),
    namedType("v2/Thread", { type: "object", properties: { id: { type: "string" } }, required: ["id"] }),
    namedType("Thread", { type: "object", properties: { inner: ref("v2/Thread") }, required: ["inner"] }),
  ]),
  "nested-namespace": modelOf([
    namedType("ClientInfo", { type: "object", properties: { name: { type: "string" } }, required: ["name"] }),
    namedType("v2/beta/Preview", {
      type: "object",
      properties: { client: ref("ClientInfo"), thread: ref("v2/Thread") },
      required: ["client", "thread"],
    }),
    namedType("v2/Thread", { type: "object", properties: { id: { type: "string" } }, required: ["id"] }),
  ]),
  empty: modelOf([]),
  tsdoc: modelOf([
    namedType("v2/Documented", {
      description: "A documented type.\n\nIts second paragraph mentions `*/` and `/*`, which must not end the comment.",
      type: "object",
      properties: {
        limit: { description: "Page size.", type: "integer", default: 25 },
        mode: { description: "Mode; the last line.\r\nWindows line ends.", type: "string", default: "fast" },
        legacy: { type: "boolean", deprecated: true },
        plain: { type: "string" },
      },
      required: ["plain"],
    }),
  ]),
};

describe("emitTypes golden output", () => {
  for (const [name, model] of Object.entries(cases)) {
    it(`${name}: matches __fixtures__/${name}/`, async () => {
      const files = emitTypes(model);
      for (const file of files) {
        await expect(file.contents).toMatchFileSnapshot(join(fixtures, name, file.path));
      }
      // A fixture file the emitter no longer writes is a difference too. (A missing fixture is
      // caught above: outside update mode, toMatchFileSnapshot fails when the file is absent.)
      const emitted = new Set(files.map((file) => file.path));
      expect(listFiles(join(fixtures, name)).filter((path) => !emitted.has(path))).toEqual([]);
    });
  }

  it("emits the same bytes on every run", () => {
    for (const model of Object.values(cases)) expect(emitTypes(model)).toEqual(emitTypes(model));
  });
});

/** Every file under `dir` as a sorted "/"-separated relative path ([] when it does not exist yet). */
function listFiles(dir: string, root = dir): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path, root) : [relative(root, path).split("\\").join("/")];
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
