import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Emitter, MethodSpec, ProtocolModel } from "../../model/model.js";
import { emitTypes, typesEmitter } from "./index.js";
import { modelOf, namedType, ref } from "./test-support.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__");

/** A request in the model's registry, for cases whose output depends on who writes a type. */
function request(method: string, direction: MethodSpec["direction"], params: string, result: string): MethodSpec {
  return {
    method, kind: "request", direction, params, result, experimental: false, since: "test", description: "",
    source: { file: "schema/protocol.json", pointer: "" },
  };
}

/** Schemas with defaulted properties, used by a client→server and a server→client request. */
const defaultsModel: ProtocolModel = {
  ...modelOf([
    namedType("v2/Options", {
      type: "object",
      properties: {
        name: { type: "string" },
        limit: { type: "integer", format: "uint32", default: 25 },
        tags: { type: "array", items: { type: "string" }, default: [] },
        mode: { allOf: [ref("v2/Mode")], default: "fast" },
        cursor: { type: ["string", "null"], default: null },
        detail: { anyOf: [ref("v2/Mode"), { type: "null" }], default: "fast" },
        note: { type: "string" },
      },
      required: ["name"],
    }),
    namedType("v2/Mode", { type: "string", enum: ["fast", "thorough"] }),
    namedType("v2/StartParams", { type: "object", properties: { options: ref("v2/Options") }, required: ["options"] }),
    namedType("v2/StartResponse", { type: "object", properties: { started: { type: "boolean", default: true } } }),
    namedType("v2/AskParams", { type: "object", properties: { urgent: { type: "boolean", default: false } } }),
    namedType("v2/AskResponse", { type: "object", properties: { accepted: { type: "boolean", default: false } } }),
  ]),
  methods: [
    request("start", "clientToServer", "v2/StartParams", "v2/StartResponse"),
    request("ask", "serverToClient", "v2/AskParams", "v2/AskResponse"),
  ],
};

/** Each case is a small hand-built model; its expected output lives in __fixtures__/<case>/. */
const cases: Record<string, ProtocolModel | { model: ProtocolModel; emitter: Emitter }> = {
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
  "empty-object": modelOf([
    namedType("v2/EmptyResponse", { type: "object" }),
    namedType("v2/ClosedEmpty", { type: "object", properties: {}, additionalProperties: false }),
    namedType("v2/Holder", {
      type: "object",
      properties: {
        emptyOrNull: { type: ["object", "null"] },
        textOrObject: { type: ["string", "object"] },
        patterned: { type: "object", patternProperties: { "^x-": { type: "string" } } },
        anyMap: { type: "object", additionalProperties: true },
        anything: true,
      },
      required: ["emptyOrNull", "textOrObject", "patterned", "anyMap", "anything"],
    }),
  ]),
  // A type named Record shadows the global in files that import it: the empty struct is spelled out.
  "record-shadowed": modelOf([
    namedType("v2/Record", { type: "object", properties: { id: { type: "string" } }, required: ["id"] }),
    namedType("v2/UsesRecord", {
      type: "object",
      properties: { record: ref("v2/Record"), nothing: { type: "object" } },
      required: ["record", "nothing"],
    }),
  ]),
  defaults: defaultsModel,
  "defaults-optional-params": { model: defaultsModel, emitter: typesEmitter({ defaultedParams: "optional" }) },
  "branch-docs": modelOf([
    namedType("v2/Detail", { description: "How much detail.", type: "string", enum: ["low", "high"] }),
    namedType("v2/Decision", {
      description: "What the user decided.",
      oneOf: [
        { description: "Go ahead.", type: "string", enum: ["approved"] },
        { description: "Stop here.\n\nNothing runs.", const: "denied" },
        {
          description: "Approved with an amendment.",
          title: "AmendedDecision",
          type: "object",
          properties: { amended: { type: "object", properties: { rule: { type: "string" } }, required: ["rule"] } },
          required: ["amended"],
          additionalProperties: false,
        },
        { description: "A detail level, referred to.", allOf: [ref("v2/Detail")] },
        { type: "string", enum: ["undocumented"] },
      ],
    }),
    namedType("v2/Input", {
      type: "object",
      properties: {
        kind: {
          description: "The input's kind.",
          anyOf: [
            {
              description: "An image.",
              type: "object",
              properties: { type: { const: "image" } },
              required: ["type"],
              oneOf: [
                { description: "By URL.", type: "object", properties: { url: { type: "string" } }, required: ["url"] },
                { description: "By uploaded file.", type: "object", properties: { fileId: { type: "string" } }, required: ["fileId"] },
              ],
            },
            { description: "Some text.", type: "object", properties: { type: { const: "text" }, text: { type: "string" } }, required: ["type", "text"] },
          ],
        },
      },
      required: ["kind"],
    }),
    namedType("v2/Extended", {
      allOf: [
        { description: "The common part: an id.", type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        { description: "The extension.", type: "object", properties: { extra: { type: "boolean" } } },
      ],
    }),
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
  for (const [name, entry] of Object.entries(cases)) {
    const { model, emitter } = "model" in entry ? entry : { model: entry, emitter: emitTypes };
    it(`${name}: matches __fixtures__/${name}/`, async () => {
      const files = emitter(model);
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
    for (const entry of Object.values(cases)) {
      const { model, emitter } = "model" in entry ? entry : { model: entry, emitter: emitTypes };
      expect(emitter(model)).toEqual(emitter(model));
    }
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
