/**
 * The probe's parts on their own: params generation against the schemas it came from, each
 * targeted mutation, the value pool, bindings in transcripts, method globs, --ignore, the
 * --server command line and the flags.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProtocol } from "../../codegen/load/index.js";
import type { ProtocolModel } from "../../codegen/model/model.js";
import { parseProbeArgs } from "../../codegen/probe/args.js";
import { judgeAnswer, type CheckSettings } from "../../codegen/probe/checks.js";
import { parseIgnore, type Finding } from "../../codegen/probe/findings.js";
import { globToRegExp, MethodIndex, selectMethods } from "../../codegen/probe/methods.js";
import { applyMutation } from "../../codegen/probe/mutation.js";
import { ParamsArbitraries } from "../../codegen/probe/params-arbitrary.js";
import { ValuePool } from "../../codegen/probe/pool.js";
import { recordedEntry, stepEntry } from "../../codegen/probe/script.js";
import { instantiate, parseServerCommand } from "../../codegen/probe/server-command.js";
import { PoolRef, resolveTemplate, type Generated, type JsonValue } from "../../codegen/probe/template.js";
import { parseTranscript } from "../../codegen/probe/transcript.js";
import { ProtocolValidators } from "../../codegen/probe/validators.js";
import { REPO_ROOT } from "./run-probe.js";

const CODEX_BUNDLE = join(REPO_ROOT, "..", "shared", "corpus", "codex-0.171.0", "codex_app_server_protocol.schemas.json");

async function load(schema: string): Promise<ProtocolModel> {
  const loaded = await loadProtocol(schema, { cwd: REPO_ROOT });
  if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join("\n"));
  return loaded.model;
}

/** The params with every pool hole filled by its generated fallback (an empty pool). */
const withoutPool = (generated: Generated): JsonValue => resolveTemplate(generated.template, () => undefined);

function shareValid(model: ProtocolModel, typeId: string, count: number, seed: number): { valid: number; invalidMutated: number; mutated: number } {
  const validators = new ProtocolValidators(model);
  const arbitrary = new ParamsArbitraries(model).forType(typeId);
  let valid = 0;
  let mutated = 0;
  let invalidMutated = 0;
  fc.sample(fc.tuple(arbitrary, fc.nat(), fc.nat()), { numRuns: count, seed }).forEach(([generated, site, variant]) => {
    const params = withoutPool(generated);
    if (validators.validate(typeId, params).ok) valid++;
    const broken = applyMutation(params, generated.sites, { site, variant });
    if (broken !== undefined) {
      mutated++;
      if (!validators.validate(typeId, broken.params).ok) invalidMutated++;
    }
  });
  return { valid, invalidMutated, mutated };
}

describe("params generation and mutation", () => {
  let model: ProtocolModel;
  beforeAll(async () => {
    model = await load("schema");
  });

  it("generates params our validators accept, and mutations they reject, for every method of our schema", () => {
    for (const method of new MethodIndex(model).allOutgoing()) {
      if (method.params === null) continue;
      const { valid, invalidMutated, mutated } = shareValid(model, method.params, 100, 18);
      expect(valid, `${method.method}: valid share`).toBeGreaterThanOrEqual(95);
      expect(mutated, `${method.method}: mutations applied`).toBe(100);
      expect(invalidMutated / mutated, `${method.method}: mutations that break the value`).toBeGreaterThanOrEqual(0.9);
    }
  });

  const mutationSchema = (schema: Record<string, unknown>): ProtocolModel => ({
    sourceLabel: "test",
    methods: [],
    types: [{ id: "P", name: "P", namespace: [], schema, source: { file: "P.json", pointer: "" } }],
  });

  it.each([
    ["missing-required", { type: "object", properties: { a: { type: "string" } }, required: ["a"] }, /missing required "a"/],
    ["wrong-type", { type: "object", properties: { a: { type: "boolean" } }, required: ["a"] }, /wrong type at \/a/],
    ["out-of-range (schemars uint32)", { type: "object", properties: { n: { type: "integer", format: "uint32", minimum: 0 } }, required: ["n"] }, /out of range at \/n: (-1|4294967296) breaks format uint32/],
    ["out-of-range (schemars int64)", { type: "object", properties: { n: { type: "integer", format: "int64" } }, required: ["n"] }, /out of range at \/n: -?18446744073709552000 breaks format int64/],
    ["unknown-enum", { type: "object", properties: { e: { enum: ["x", "y"] } }, required: ["e"] }, /unknown enum value at \/e/],
    ["extra-property", { type: "object", properties: {}, additionalProperties: false }, /extra property "probeUnknownProperty" at params/],
  ])("%s: a mutation of that kind exists and the validator rejects it", (_name, schema, description) => {
    const single = mutationSchema(schema);
    const validators = new ProtocolValidators(single);
    const [generated] = fc.sample(new ParamsArbitraries(single).forType("P"), { numRuns: 1, seed: 1 });
    const params = withoutPool(generated!);
    expect(validators.validate("P", params).ok).toBe(true);
    const found = generated!.sites.map((_, site) => [0, 1, 2, 3].map((variant) => applyMutation(params, generated!.sites, { site, variant }))).flat();
    const matching = found.filter((applied) => applied !== undefined && description.test(applied.description));
    expect(matching.length, found.map((applied) => applied?.description).join("\n")).toBeGreaterThan(0);
    for (const applied of matching) expect(validators.validate("P", applied!.params).ok).toBe(false);
  });

  it("at the params root, a wrong type is the other JSON structure (anything else is not a JSON-RPC request)", () => {
    const single = mutationSchema({ type: "object", properties: {} });
    const [generated] = fc.sample(new ParamsArbitraries(single).forType("P"), { numRuns: 1, seed: 1 });
    for (let variant = 0; variant < 6; variant++) {
      const applied = applyMutation({}, generated!.sites, { site: 0, variant });
      expect(Array.isArray(applied?.params)).toBe(true);
    }
  });

  it.skipIf(!existsSync(CODEX_BUNDLE))(
    "generates params for every client → server method of Codex 0.171.0's bundle (needs ../shared/corpus/codex-0.171.0)",
    async () => {
      const codex = await load(CODEX_BUNDLE);
      const arbitraries = new ParamsArbitraries(codex);
      const validators = new ProtocolValidators(codex);
      let total = 0;
      let valid = 0;
      for (const method of new MethodIndex(codex).allOutgoing()) {
        if (method.params === null) continue;
        for (const generated of fc.sample(arbitraries.forType(method.params), { numRuns: 5, seed: 3 })) {
          total++;
          if (validators.validate(method.params, withoutPool(generated)).ok) valid++;
        }
      }
      expect(total).toBeGreaterThan(800);
      expect(valid / total).toBeGreaterThanOrEqual(0.95);
    },
  );
});

describe("value pool and bindings", () => {
  it("offers thread.id as threadId and the ids of a list as queuedTurnIds, most recent first", () => {
    const pool = new ValuePool();
    pool.recordResult(2, { thread: { id: "T1" } });
    pool.recordResult(3, { thread: { id: "T2" } });
    pool.recordNotification("thread/queue/changed", 0, { threadId: "T2", queuedTurns: [{ id: "Q1" }, { id: "Q2" }] });
    expect(pool.lookup("threadId", "string", 0)).toEqual({ value: "T2", origin: { notification: "thread/queue/changed", index: 0, pointer: "/params/threadId" } });
    expect(pool.lookup("threadId", "string", 1)?.value).toBe("T1");
    expect(pool.lookup("queuedTurnIds", "array", 0)?.value).toEqual(["Q1", "Q2"]);
    expect(pool.lookup("queuedTurnId", "string", 0)?.origin).toEqual({ notification: "thread/queue/changed", index: 0, pointer: "/params/queuedTurns/1/id" });
    expect(pool.lookup("threadId", "integer", 0)).toBeUndefined();
  });

  it("records where a pooled value came from, drops the binding a mutation overwrote, and a replay substitutes the new server's value", () => {
    const pool = new ValuePool();
    pool.recordResult(2, { thread: { id: "T-old" } });
    // A generated template whose threadId is a pool hole.
    const [hole] = fc.sample(new ParamsArbitraries({
      sourceLabel: "t", methods: [],
      types: [{ id: "P", name: "P", namespace: [], schema: { type: "object", properties: { threadId: { type: "string" } }, required: ["threadId"] }, source: { file: "P.json", pointer: "" } }],
    }).forType("P").filter((g) => (g.template as Record<string, unknown>).threadId instanceof PoolRef), { numRuns: 1, seed: 2 });
    const context = { pool, received: { response: () => undefined, notification: () => undefined } };
    const valid = stepEntry({ method: "m", request: true, params: hole!, mutate: undefined }).plan(context);
    expect(valid.params).toEqual({ threadId: "T-old" });
    expect(valid.bind).toEqual([{ at: "/params/threadId", from: { response: 2, pointer: "/result/thread/id" } }]);
    const broken = stepEntry({ method: "m", request: true, params: hole!, mutate: { site: hole!.sites.findIndex((s) => s.kind === "wrong-type" && s.path.length === 1), variant: 0 } }).plan(context);
    expect(broken.intent).toBe("invalid");
    expect(broken.bind).toEqual([]);

    const replayed = recordedEntry({ send: { id: 5, method: "m", params: valid.params }, intent: "valid", bind: valid.bind }, "call").plan({
      pool: new ValuePool(),
      received: { response: (id) => (id === 2 ? { id: 2, result: { thread: { id: "T-new" } } } : undefined), notification: () => undefined },
    });
    expect(replayed).toMatchObject({ id: 5, method: "m", params: { threadId: "T-new" }, request: true });
  });
});

describe("judging answers", () => {
  const error = (code: number, message: string) => ({ kind: "error" as const, message: { id: 1, error: { code, message } } });
  const call = (intent: "valid" | "invalid") => ({ method: "m", intent, resultType: null });
  const stock = { invalidParamsCode: -32602, invalidParamsMessage: undefined } as unknown as CheckSettings;
  const codex = { invalidParamsCode: -32600, invalidParamsMessage: /^Invalid request: / } as unknown as CheckSettings;

  it("expects the protocol's invalid-params code for invalid params, and flags -32602/-32603 for valid ones", () => {
    expect(judgeAnswer(call("invalid"), error(-32602, "bad"), stock)).toBeUndefined();
    expect(judgeAnswer(call("invalid"), error(-32600, "bad"), stock)?.kind).toBe("wrong-error-code");
    expect(judgeAnswer(call("valid"), error(-32600, "thread not found"), stock)).toBeUndefined();
    expect(judgeAnswer(call("valid"), error(-32602, "bad"), stock)?.kind).toBe("rejected-valid-params");
    expect(judgeAnswer(call("valid"), error(-32603, "oops"), stock)?.kind).toBe("internal-error");
    expect(judgeAnswer(call("invalid"), { kind: "response", message: { id: 1, result: {} } }, stock)?.kind).toBe("accepted-invalid-params");
  });

  it("with --invalid-params-message, tells a protocol's invalid-params answers from its other errors of the same code", () => {
    expect(judgeAnswer(call("invalid"), error(-32600, "Invalid request: missing field `threadId`"), codex)).toBeUndefined();
    expect(judgeAnswer(call("invalid"), error(-32600, "thread not found"), codex)?.kind).toBe("wrong-error-code");
    expect(judgeAnswer(call("valid"), error(-32600, "thread not found"), codex)).toBeUndefined();
    expect(judgeAnswer(call("valid"), error(-32600, "Invalid request: AbsolutePathBuf deserialized without a base path"), codex)?.kind).toBe("rejected-valid-params");
  });
});

describe("transcripts, globs, --ignore, --server and flags", () => {
  it("reads transcript lines and bare messages, and names the line that is not JSON", () => {
    const parsed = parseTranscript(['{"probe":"transcript","version":1,"schema":"s","server":"x","listen":"stdio","timeoutMs":1,"invalidParamsCode":-32602,"seed":1}', '{"send":{"id":1,"method":"a"},"intent":"valid"}', '{"receive":{"id":1,"result":{}}}', '{"method":"b"}'].join("\n"), "t.ndjson");
    expect(parsed.ok && parsed.sends.map((send) => (send.send as { method: string }).method)).toEqual(["a", "b"]);
    expect(parseTranscript('{"send":{"method":"a"}}\nnope\n', "t.ndjson")).toEqual({ ok: false, message: expect.stringMatching(/^t\.ndjson:2: not JSON/) });
  });

  it("selects methods by glob: * within a segment, ** across, ! excludes", () => {
    const methods = ["thread/start", "thread/queue/add", "turn/start", "initialize"].map((method) => ({ method }) as never);
    const names = (globs: string[]): string[] => selectMethods(methods, globs).map((m: { method: string }) => m.method);
    expect(names(["thread/*"])).toEqual(["thread/start"]);
    expect(names(["thread/**"])).toEqual(["thread/start", "thread/queue/add"]);
    expect(names(["!thread/queue/*"])).toEqual(["thread/start", "turn/start", "initialize"]);
    expect(names([])).toHaveLength(4);
  });

  it("ignores known findings by kind and method glob, and refuses an unknown kind", () => {
    const finding = (kind: Finding["kind"], method: string, received?: string): Finding => ({ kind, method, step: 0, detail: "", ...(received === undefined ? {} : { received }) });
    const parsed = parseIgnore(["rejected-valid-params:thread/*", "unknown-notification:configWarning"], globToRegExp);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.filter(finding("rejected-valid-params", "thread/list"))).toBe(true);
    expect(parsed.filter(finding("rejected-valid-params", "model/list"))).toBe(false);
    expect(parsed.filter(finding("unknown-notification", "thread/start", "configWarning"))).toBe(true);
    expect(parseIgnore(["nonsense"], globToRegExp).ok).toBe(false);
    const byCode = parseIgnore(["rejected-valid-params:**:-32602"], globToRegExp);
    if (!byCode.ok) throw new Error(byCode.message);
    expect(byCode.filter({ ...finding("rejected-valid-params", "thread/list"), code: -32602 })).toBe(true);
    expect(byCode.filter({ ...finding("rejected-valid-params", "thread/list"), code: -32600 })).toBe(false);
  });

  it("splits --server like a shell without running one, and gives each session its own {tmp} and {port}", async () => {
    const where = { env: { HOME: "/home/me" }, cwd: REPO_ROOT };
    const parsed = parseServerCommand("node 'my server.js' --db {tmp}/q.sqlite --home $HOME --listen ws://127.0.0.1:{port}", "ws://127.0.0.1:{port}", where);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.command.argv).toEqual(["node", "my server.js", "--db", "{tmp}/q.sqlite", "--home", "/home/me", "--listen", "ws://127.0.0.1:{port}"]);
    const [a, b] = [await instantiate(parsed.command), await instantiate(parsed.command)];
    expect(a.argv[3]).not.toBe(b.argv[3]);
    expect(statSync(a.argv[3]!.replace("/q.sqlite", "")).isDirectory()).toBe(true);
    expect(a.listen).toEqual({ kind: "ws", url: a.argv[7] });
    expect(a.argv[7]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    a.cleanup();
    b.cleanup();
    expect(existsSync(a.argv[3]!.replace("/q.sqlite", ""))).toBe(false);
    expect(parseServerCommand("server | tee log", "stdio", where)).toEqual({ ok: false, message: expect.stringContaining('the shell operator "|"') });
    expect(parseServerCommand("server", "tcp://x", where).ok).toBe(false);
  });

  it("reads --methods as several globs after one flag and negative codes after a flag", () => {
    const parsed = parseProbeArgs(["--server", "x", "--methods", "thread/*", "!thread/queue/*", "--invalid-params-code", "-32600", "--runs", "2"]);
    expect(parsed.ok && !parsed.help && parsed.args).toMatchObject({ methods: ["thread/*", "!thread/queue/*"], invalidParamsCode: -32600, runs: 2 });
    expect(parseProbeArgs(["--server", "x", "--runs", "0"])).toEqual({ ok: false, message: expect.stringContaining("--runs") });
    expect(parseProbeArgs(["--runs", "3"])).toEqual({ ok: false, message: expect.stringContaining("--server") });
  });
});
