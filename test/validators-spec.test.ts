/**
 * The generated validators against SPEC.md §2's messages: the schema/ folder is loaded,
 * emitted into a temporary directory and imported from there, exactly as a consumer of
 * generated/validators would import it.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProtocol } from "../codegen/load/index.js";
import { emitValidators } from "../codegen/emit/validators/index.js";
import { REPO_ROOT, writeGeneratedTree, type GeneratedTree } from "../codegen/emit/validators/test-support.js";

interface Issue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}
type Result = { ok: true } | { ok: false; errors: Issue[] };
type Validate = (value: unknown) => Result;
interface RootModule {
  validatorsById: Readonly<Record<string, Validate>>;
  formatIssues(errors: readonly Issue[], root?: string): string[];
  validateInitializeParams: Validate;
  v2: Record<string, (value: unknown) => unknown>;
}

let tree: GeneratedTree;
let validators: RootModule;

beforeAll(async () => {
  const loaded = await loadProtocol("schema", { cwd: REPO_ROOT });
  if (!loaded.ok) throw new Error(`schema/ does not load: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
  tree = writeGeneratedTree(emitValidators(loaded.model));
  validators = (await import(pathToFileURL(join(tree.dir, "validators/index.ts")).href)) as RootModule;
});

afterAll(() => tree?.remove());

function validate(id: string, value: unknown): Result {
  const check = validators.validatorsById[id];
  if (check === undefined) throw new Error(`no validator for ${id}`);
  return check(value);
}

function problems(id: string, value: unknown): Issue[] {
  const result = validate(id, value);
  if (result.ok) throw new Error(`${id} accepted ${JSON.stringify(value)}`);
  return result.errors;
}

const threadId = "thr_01";
const turnStartParams = { threadId, input: [{ type: "text", text: "run the tests", text_elements: [] }] };
const pending = { id: "0190a3c4-7f1e-7cc0-8000-000000000001", turnStartParams, status: { type: "pending" } };
const failed = {
  id: "0190a3c4-7f1e-7cc0-8000-000000000002",
  turnStartParams,
  status: { type: "failed", error: { message: "queued turn could not start: thread busy", codexErrorInfo: null, additionalDetails: null } },
};

describe("SPEC §2 messages are accepted", () => {
  it.each([
    ["v2/QueuedTurn", pending],
    ["v2/QueuedTurn", failed],
    ["v2/ThreadQueueChangedNotification", { threadId, queuedTurns: [pending, failed] }],
    ["v2/ThreadQueueChangedNotification", { threadId, queuedTurns: [] }],
    ["v2/ThreadQueueAddParams", { threadId, turnStartParams }],
    ["v2/ThreadQueueListParams", { threadId }],
    ["v2/ThreadQueueListParams", { threadId, cursor: "opaque", limit: 25 }],
    ["v2/ThreadQueueListParams", { threadId, cursor: null, limit: null }],
    ["v2/ThreadQueueDeleteParams", { threadId, queuedTurnId: pending.id }],
    ["v2/ThreadQueueReorderParams", { threadId, queuedTurnIds: [failed.id, pending.id] }],
    ["v2/ThreadQueueAddResponse", { queuedTurn: pending }],
    ["v2/ThreadQueueListResponse", { data: [pending], nextCursor: null }],
    ["v2/ThreadQueueDeleteResponse", { deleted: true }],
    ["v2/ThreadQueueReorderResponse", { queuedTurns: [failed, pending] }],
  ])("%s %j", (id, value) => {
    expect(validate(id, value)).toEqual({ ok: true });
  });

  it("accepts unknown properties, as serde does for structs without deny_unknown_fields", () => {
    expect(validate("v2/ThreadQueueDeleteParams", { threadId, queuedTurnId: "q", futureField: 1 })).toEqual({ ok: true });
  });
});

describe("broken messages are rejected with the JSON pointer of the problem", () => {
  it("missing threadId", () => {
    const errors = problems("v2/ThreadQueueDeleteParams", { queuedTurnId: "q" });
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "", keyword: "required", params: { missingProperty: "threadId" } }),
    );
  });

  it("wrong status tag inside a notification", () => {
    const broken = { threadId, queuedTurns: [pending, { ...failed, status: { type: "exploded" } }] };
    const errors = problems("v2/ThreadQueueChangedNotification", broken);
    const paths = errors.map((error) => error.instancePath);
    expect(paths).toContain("/queuedTurns/1/status/type");
    expect(paths).toContain("/queuedTurns/1/status");
    expect(errors.find((error) => error.keyword === "enum")?.message).toBe('must be one of "pending"');
  });

  it("failed status without its error", () => {
    const errors = problems("v2/QueuedTurn", { ...pending, status: { type: "failed" } });
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "/status", keyword: "required", params: { missingProperty: "error" } }),
    );
  });

  it.each([
    [-1, "must be >= 0"],
    [4294967296, "must be uint32 (0..4294967295)"],
    [1.5, "must be integer or null"],
  ])("limit %d is out of range (uint32)", (limit, message) => {
    const errors = problems("v2/ThreadQueueListParams", { threadId, limit });
    expect(errors.every((error) => error.instancePath === "/limit")).toBe(true);
    expect(errors.map((error) => error.message)).toContain(message);
  });

  it.each([0, 4294967295, null])("limit %j is accepted", (limit) => {
    expect(validate("v2/ThreadQueueListParams", { threadId, limit })).toEqual({ ok: true });
  });

  it("wrong types", () => {
    const errors = problems("v2/ThreadQueueReorderParams", { threadId: 7, queuedTurnIds: ["a", 2] });
    expect(errors.map((error) => [error.instancePath, error.message])).toEqual([
      ["/queuedTurnIds/1", "must be string"],
      ["/threadId", "must be string"],
    ]);
  });

  it("a value that is not an object at all", () => {
    expect(problems("v2/ThreadQueueAddParams", "thr_01")).toContainEqual(
      expect.objectContaining({ instancePath: "", keyword: "type", message: "must be object" }),
    );
  });

  it("an explicit additionalProperties:false is honoured", () => {
    // AskForApproval's externally tagged variant is closed, as serde's enums are.
    const errors = problems("v2/AskForApproval", { granular: { mcp_elicitations: true, rules: true, sandbox_approval: true }, extra: 1 });
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "", keyword: "additionalProperties", message: 'must not have property "extra"' }),
    );
  });
});

describe("formatIssues", () => {
  it("writes one readable line per issue, under a root name", () => {
    const errors = problems("v2/ThreadQueueListParams", { limit: 4294967296 });
    expect(validators.formatIssues(errors, "params")).toEqual([
      "params: must have required property 'threadId'",
      "params/limit: must be uint32 (0..4294967295)",
    ]);
    expect(validators.formatIssues(errors)).toEqual([
      "(root): must have required property 'threadId'",
      "limit: must be uint32 (0..4294967295)",
    ]);
  });
});

describe("the generated API", () => {
  it("has is<Name> guards and validate<Name> per namespace, and the root's own functions", () => {
    const { isQueuedTurn, validateQueuedTurn } = validators.v2;
    expect(isQueuedTurn?.(pending)).toBe(true);
    expect(isQueuedTurn?.({ id: 1 })).toBe(false);
    expect(validateQueuedTurn?.(failed)).toEqual({ ok: true });
    expect(validators.validateInitializeParams({ clientInfo: { name: "cli", version: "1.0.0" } })).toEqual({ ok: true });
  });

  it("returns one shared result on success, so a passing check allocates nothing", () => {
    expect(validate("v2/QueuedTurn", pending)).toBe(validate("v2/QueuedTurn", failed));
  });

  it("does not let one failure's errors leak into the next result", () => {
    const first = problems("v2/ThreadQueueDeleteParams", {});
    const second = problems("v2/ThreadQueueDeleteParams", { threadId });
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
  });

  it("looks validators up by type id only", () => {
    expect(Object.keys(validators.validatorsById)).toContain("InitializeParams");
    expect(validators.validatorsById["toString"]).toBeUndefined();
    expect(validators.validatorsById["v2/Nope"]).toBeUndefined();
  });
});
