/**
 * Garbage frames for the bad-input property tests, each with the answer the server owes it.
 *
 * Frames are generated as plain-data templates (so fast-check can shrink them) and built into
 * bytes with a unique id each. The expected answer is decided by construction — every
 * template carries exactly one fault — except for params of registry methods, where the
 * generated validator (the schemas' own verdict, tested on its own elsewhere) says whether a
 * mutated params object is still valid. Nothing here asks the server's code what to expect.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describeIssue } from "../../generated/protocol/validation.js";
import type { JsonRpcId } from "../../generated/runtime/jsonrpc.js";
import { validatorsById } from "../../generated/validators/index.js";
import { REPO_ROOT } from "./server-process.js";

export type FuzzTransport = "stdio" | "websocket";

/** What the server must send back for one frame. */
export type ExpectedAnswer =
  /** Nothing: notifications and responses are never answered. */
  | { readonly kind: "none" }
  /** One error with `id: null`; these arrive in frame order. */
  | { readonly kind: "null-id"; readonly code: number; readonly message: string }
  /** One answer carrying this id: an error with one of `codes`, or (when allowed) a result. */
  | {
      readonly kind: "by-id";
      readonly id: JsonRpcId;
      readonly jsonrpc: boolean;
      readonly codes: readonly number[];
      /** Exact message, or a required prefix when it ends with "…". */
      readonly message?: string;
      readonly resultAllowed: boolean;
    };

export interface FuzzFrame {
  readonly label: string;
  readonly bytes: Buffer;
  readonly expected: ExpectedAnswer;
}

export interface FuzzContext {
  readonly transport: FuzzTransport;
  readonly maxFrameBytes: number;
  /** Persisted threads that read-only calls (list, delete of unknown ids, bad reorders) may target. */
  readonly existingThreadIds: readonly string[];
  /** Where each frame gets its unique id from. */
  nextId(): number;
}

export const MAX_NESTING_DEPTH = 128;

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// The method registry, read from the generated bundle: every client→server request is fuzzed.

interface RegistryRequest {
  method: string;
  messageDirection: string;
  params: string;
}

const bundle = JSON.parse(readFileSync(`${REPO_ROOT}/generated/schema/protocol.schemas.json`, "utf8")) as {
  "x-protocol": { requests: RegistryRequest[] };
};
export const CLIENT_REQUESTS: readonly RegistryRequest[] = bundle["x-protocol"].requests.filter(
  (request) => request.messageDirection === "clientToServer",
);

/** A well-formed thread id that no database holds. */
export const UNKNOWN_THREAD = "01a21800-0000-7000-8000-00000000f042";

/**
 * A valid params object per method, aimed where a valid call changes nothing: unknown threads
 * for everything that would write, existing threads only for reads and calls that must fail.
 * A method added to the registry without an entry here fails the test (see `baseParams`).
 */
function baseParamsFor(method: string, existing: string | undefined): JsonValue | undefined {
  const target = existing ?? UNKNOWN_THREAD;
  switch (method) {
    case "initialize":
      return { clientInfo: { name: "fuzz", title: null, version: "1.0.0" }, capabilities: { experimentalApi: true } };
    case "thread/start":
      return { cwd: "/tmp", model: "m", ephemeral: false };
    case "thread/resume":
      return { threadId: UNKNOWN_THREAD, model: null };
    case "turn/start":
    case "thread/queue/add": {
      const turn = { threadId: UNKNOWN_THREAD, input: [{ type: "text", text: "fuzz" }], cwd: null };
      return method === "turn/start" ? turn : { threadId: UNKNOWN_THREAD, turnStartParams: turn };
    }
    case "turn/interrupt":
      return { threadId: UNKNOWN_THREAD, turnId: "turn" };
    case "thread/queue/list":
      return { threadId: target, cursor: null, limit: 10 };
    case "thread/queue/delete":
      return { threadId: target, queuedTurnId: "01a21800-0000-7000-8000-00000000dead" };
    case "thread/queue/reorder":
      return { threadId: target, queuedTurnIds: ["01a21800-0000-7000-8000-00000000beef"] };
    default:
      return undefined;
  }
}

export function baseParams(method: string, existing: string | undefined): JsonValue {
  const params = baseParamsFor(method, existing);
  if (params === undefined) throw new Error(`reliability-frames: no base params for ${method}; add it to baseParamsFor`);
  return params;
}

// ---------------------------------------------------------------------------------------------
// Templates.

type IdSpec = { readonly kind: "string"; readonly prefix: string } | { readonly kind: "int"; readonly style: "up" | "down" | "max" };

type Mutation =
  | { readonly op: "none" }
  | { readonly op: "delete"; readonly path: number }
  | { readonly op: "set"; readonly path: number; readonly value: JsonValue }
  | { readonly op: "extra"; readonly key: string; readonly value: JsonValue }
  | { readonly op: "replace"; readonly value: JsonValue | undefined };

export type FrameTemplate =
  | { readonly t: "notJson"; readonly text: string }
  | { readonly t: "blank"; readonly text: string }
  | { readonly t: "nonObject"; readonly value: JsonValue }
  | { readonly t: "badId"; readonly id: JsonValue; readonly method: string }
  | { readonly t: "badJsonrpc"; readonly jsonrpc: JsonValue; readonly id: IdSpec }
  | { readonly t: "badMethod"; readonly method: JsonValue; readonly id: IdSpec }
  | { readonly t: "scalarParams"; readonly params: JsonValue; readonly id: IdSpec }
  | { readonly t: "unknownMethod"; readonly method: string; readonly id: IdSpec; readonly params: JsonValue | undefined; readonly jsonrpc: boolean }
  | { readonly t: "call"; readonly method: number; readonly target: number; readonly mutation: Mutation; readonly id: IdSpec; readonly jsonrpc: boolean }
  /** A registry call whose params text holds what JSON.parse would change: a repeated key or a number a double cannot keep. */
  | { readonly t: "inexact"; readonly method: number; readonly target: number; readonly inject: string; readonly id: IdSpec; readonly jsonrpc: boolean }
  | { readonly t: "notification"; readonly method: string; readonly params: JsonValue | undefined; readonly jsonrpc: boolean }
  | { readonly t: "response"; readonly id: IdSpec | null; readonly error: boolean; readonly payload: JsonValue }
  | { readonly t: "resultAndError"; readonly id: IdSpec }
  | { readonly t: "noRoute"; readonly id: IdSpec; readonly extra: Record<string, JsonValue> }
  | { readonly t: "truncated"; readonly method: number; readonly id: IdSpec; readonly cut: number }
  | { readonly t: "invalidUtf8"; readonly before: string; readonly bad: readonly number[] }
  | { readonly t: "huge"; readonly size: number; readonly where: "params" | "method" | "id" | "text" }
  | { readonly t: "deep"; readonly depth: number; readonly shape: "array" | "object" };

const json = (maxDepth = 2): fc.Arbitrary<JsonValue> => fc.jsonValue({ maxDepth }) as fc.Arbitrary<JsonValue>;
const text = fc.string({ unit: "grapheme", maxLength: 40 });
const idSpec: fc.Arbitrary<IdSpec> = fc.oneof(
  fc.record({ kind: fc.constant("string" as const), prefix: fc.string({ unit: "grapheme", maxLength: 12 }) }),
  fc.record({ kind: fc.constant("int" as const), style: fc.constantFrom("up" as const, "down" as const, "max" as const) }),
);
/** Ids JSON-RPC does not allow: fractions, unsafe integers, booleans, null, structures. */
const badId: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(2 ** 53, -(2 ** 53) - 2, 1e300),
  fc.boolean(),
  fc.constant(null),
  fc.array(json(1), { maxLength: 3 }),
  fc.dictionary(text, json(1), { maxKeys: 3 }),
);
const notAMethodName = (name: string): boolean => !CLIENT_REQUESTS.some((request) => request.method === name) && name.length > 0;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ op: "none" as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("delete" as const), path: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("set" as const), path: fc.nat(), value: json() }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant("extra" as const), key: text, value: json() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("replace" as const), value: fc.option(json(), { nil: undefined }) }), weight: 2 },
);

/** Every kind of garbage, weighted so that the common mistakes dominate and huge frames stay rare. */
export const frameTemplate: fc.Arbitrary<FrameTemplate> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("notJson" as const), text: fc.string({ unit: "binary", minLength: 1, maxLength: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("blank" as const), text: fc.constantFrom(" ", "\t", "\r", " \t ") }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("nonObject" as const), value: json().filter((v) => v === null || typeof v !== "object" || Array.isArray(v)) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("badId" as const), id: badId, method: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("badJsonrpc" as const), jsonrpc: json(1).filter((v) => v !== "2.0"), id: idSpec }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("badMethod" as const), method: json(1).filter((v) => typeof v !== "string" || v === ""), id: idSpec }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("scalarParams" as const), params: fc.oneof(fc.boolean(), fc.integer(), text), id: idSpec }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("unknownMethod" as const),
      method: text.filter(notAMethodName),
      id: idSpec,
      params: fc.option(fc.oneof(fc.array(json(1), { maxLength: 3 }), fc.dictionary(text, json(1), { maxKeys: 3 })), { nil: undefined }),
      jsonrpc: fc.boolean(),
    }),
  },
  {
    weight: 12,
    arbitrary: fc.record({ t: fc.constant("call" as const), method: fc.nat(), target: fc.nat(), mutation, id: idSpec, jsonrpc: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("inexact" as const),
      method: fc.nat(),
      target: fc.nat(),
      inject: fc.constantFrom('"fuzz":1e309,', '"fuzz":9007199254740993,', '"fuzz":-0,', '"fuzz":1e-400,', '"fuzz":[0.10000000000000001],', '"fuzz":1,"fuzz":1,', '"threadId":"x","threadId":"x",'),
      id: idSpec,
      jsonrpc: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("notification" as const),
      method: fc.oneof(text.filter((m) => m.length > 0), fc.constantFrom(...CLIENT_REQUESTS.map((r) => r.method), "initialized")),
      params: fc.option(fc.dictionary(text, json(1), { maxKeys: 3 }), { nil: undefined }),
      jsonrpc: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("response" as const), id: fc.option(idSpec, { nil: null }), error: fc.boolean(), payload: json() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("resultAndError" as const), id: idSpec }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("noRoute" as const), id: idSpec, extra: fc.dictionary(fc.constantFrom("foo", "Method", "results", "errors", "params"), json(1), { maxKeys: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("truncated" as const), method: fc.nat(), id: idSpec, cut: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("invalidUtf8" as const),
      before: fc.constantFrom('{"id":1,"method":"', '{"method":"x","params":{"k":"', ""),
      bad: fc.constantFrom([0xff], [0xc0, 0x80], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("deep" as const), depth: fc.oneof(fc.integer({ min: 3, max: 140 }), fc.integer({ min: 1000, max: 60_000 })), shape: fc.constantFrom("array" as const, "object" as const) }),
  },
);

/** Huge frames are few but large; kept apart so a run can bound how many it sends. */
export const hugeTemplate: fc.Arbitrary<FrameTemplate> = fc.record({
  t: fc.constant("huge" as const),
  size: fc.integer({ min: 100_000, max: 1_500_000 }),
  where: fc.constantFrom("params" as const, "method" as const, "id" as const, "text" as const),
});

// ---------------------------------------------------------------------------------------------
// Building frames and their expected answers.

function makeId(spec: IdSpec, n: number): JsonRpcId {
  if (spec.kind === "string") return `${spec.prefix}#${n}`;
  if (spec.style === "up") return n;
  if (spec.style === "down") return -n;
  return Number.MAX_SAFE_INTEGER - n;
}

type Path = readonly (string | number)[];

/** Every member and element below the root, depth first. */
function pathsOf(value: JsonValue, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries: Array<[string | number, JsonValue]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function applyAt(root: JsonValue, path: Path, change: (parent: Record<string | number, JsonValue>, key: string | number) => void): JsonValue {
  const copy = structuredClone(root);
  let parent = copy as unknown as Record<string | number, JsonValue>;
  for (const key of path.slice(0, -1)) parent = parent[key] as unknown as Record<string | number, JsonValue>;
  const last = path[path.length - 1];
  if (last !== undefined) change(parent, last);
  return copy;
}

function mutate(base: JsonValue, m: Mutation): JsonValue | undefined {
  const paths = pathsOf(base);
  const pick = (index: number): Path => paths[index % paths.length] ?? [];
  switch (m.op) {
    case "none":
      return base;
    case "delete":
      return applyAt(base, pick(m.path), (parent, key) => {
        if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
        else delete parent[key];
      });
    case "set":
      return applyAt(base, pick(m.path), (parent, key) => (parent[key] = m.value));
    case "extra":
      return { ...(base as Record<string, JsonValue>), [m.key]: m.value };
    case "replace":
      return m.value;
  }
}

const isStructured = (value: unknown): boolean => value === undefined || value === null || typeof value === "object";

interface Built {
  readonly label: string;
  readonly bytes: Buffer;
  readonly expected: ExpectedAnswer;
}

const frame = (label: string, message: unknown, expected: ExpectedAnswer): Built => ({
  label,
  bytes: Buffer.from(JSON.stringify(message), "utf8"),
  expected,
});

const invalid = (id: JsonRpcId, jsonrpc: boolean, reason: string): ExpectedAnswer => ({
  kind: "by-id",
  id,
  jsonrpc,
  codes: [-32600],
  message: `Invalid request: ${reason}`,
  resultAllowed: false,
});

/** thread/start always; a reorder only with no ids (random ids never match a visible queue). */
function succeedsWithAWrite(method: string, params: JsonValue | undefined): boolean {
  if (method === "thread/start") return true;
  const ids = (params as { queuedTurnIds?: unknown } | null | undefined)?.queuedTurnIds;
  return method === "thread/queue/reorder" && Array.isArray(ids) && ids.length === 0;
}

/** A registry call (possibly with mutated params) and the answer it deserves; null when it would write. */
function buildCall(template: { method: number; target: number; mutation: Mutation; jsonrpc: boolean }, id: JsonRpcId, ctx: FuzzContext): Built | null {
  const request = CLIENT_REQUESTS[template.method % CLIENT_REQUESTS.length] as RegistryRequest;
  const targets = [undefined, ...ctx.existingThreadIds];
  const params = mutate(baseParams(request.method, targets[template.target % targets.length]), template.mutation);
  const message: Record<string, unknown> = { id, method: request.method };
  if (params !== undefined) message.params = params;
  if (template.jsonrpc) message.jsonrpc = "2.0";
  const label = `call ${request.method} (${template.mutation.op})`;
  if (!isStructured(params)) return frame(label, message, invalid(id, template.jsonrpc, "params must be an object or array"));
  const byId = (codes: number[], messageText: string | undefined, resultAllowed: boolean): ExpectedAnswer => ({
    kind: "by-id",
    id,
    jsonrpc: template.jsonrpc,
    codes,
    ...(messageText === undefined ? {} : { message: messageText }),
    resultAllowed,
  });
  const validate = validatorsById[request.params];
  if (validate === undefined) throw new Error(`no validator for ${request.params}`);
  // The server reads `params: null` as absent (SPEC §1).
  const outcome = validate(params === null ? undefined : params);
  if (!outcome.ok) {
    return frame(label, message, byId([-32602], `Invalid params for ${request.method}: ${describeIssue(outcome.errors[0])}`, false));
  }
  // Malformed params come first even for a repeated initialize (as upstream parses first).
  if (request.method === "initialize") return frame(label, message, byId([-32600], "Already initialized", false));
  // Valid calls that succeed write (a thread; a reorder bumps the queue version even when the
  // order stays): they are not bad input, and this run must leave the database as it was.
  if (succeedsWithAWrite(request.method, params)) return null;
  // Valid calls aimed at unknown threads or read-only: a result, or -32600 (not found, bad id…).
  return frame(label, message, byId([-32600], undefined, true));
}

/** The bytes of a template and what the server must answer, or null when the template does not apply here. */
export function buildFrame(template: FrameTemplate, ctx: FuzzContext): FuzzFrame | null {
  const built = buildUnbounded(template, ctx);
  if (built === null) return null;
  if (built.bytes.length > ctx.maxFrameBytes) {
    return {
      ...built,
      label: `${built.label} (${built.bytes.length} bytes, over the limit)`,
      expected: { kind: "null-id", code: -32700, message: `Parse error: message exceeds the limit of ${ctx.maxFrameBytes} bytes` },
    };
  }
  return built;
}

function buildUnbounded(template: FrameTemplate, ctx: FuzzContext): Built | null {
  const n = ctx.nextId();
  switch (template.t) {
    case "notJson": {
      const bytes = Buffer.from(template.text, "utf8");
      const seen = textAsServed(bytes, ctx.transport);
      // Line framing: a newline would make two frames; a blank one is no frame at all.
      if (seen.includes("\n") || seen.trim() === "" || parsesAsJson(seen)) return null;
      return { label: "not JSON", bytes, expected: { kind: "null-id", code: -32700, message: `Parse error: ${jsonParseReason(seen)}` } };
    }
    case "blank":
      // stdio skips blank lines between messages; a WebSocket frame is one message, empty or not.
      return {
        label: "blank",
        bytes: Buffer.from(template.text),
        expected: ctx.transport === "stdio" ? { kind: "none" } : { kind: "null-id", code: -32700, message: "Parse error: empty message" },
      };
    case "nonObject": {
      const reason = Array.isArray(template.value) ? "message must be a JSON object (batches are not supported)" : "message must be a JSON object";
      return frame("non-object", template.value, { kind: "null-id", code: -32600, message: `Invalid request: ${reason}` });
    }
    case "badId":
      return frame("bad id", { id: template.id, method: template.method }, { kind: "null-id", code: -32600, message: "Invalid request: id must be a string or an integer" });
    case "badJsonrpc": {
      const id = makeId(template.id, n);
      return frame("bad jsonrpc", { jsonrpc: template.jsonrpc, id, method: "thread/queue/list" }, invalid(id, false, 'jsonrpc must be "2.0"'));
    }
    case "badMethod": {
      const id = makeId(template.id, n);
      return frame("bad method", { id, method: template.method }, invalid(id, false, "method must be a non-empty string"));
    }
    case "scalarParams": {
      const id = makeId(template.id, n);
      return frame("scalar params", { id, method: "thread/queue/list", params: template.params }, invalid(id, false, "params must be an object or array"));
    }
    case "unknownMethod": {
      const id = makeId(template.id, n);
      const message: Record<string, unknown> = { id, method: template.method };
      if (template.params !== undefined) message.params = template.params;
      if (template.jsonrpc) message.jsonrpc = "2.0";
      return frame("unknown method", message, {
        kind: "by-id",
        id,
        jsonrpc: template.jsonrpc,
        codes: [-32601],
        message: `Method not found: ${template.method}`,
        resultAllowed: false,
      });
    }
    case "call":
      return buildCall(template, makeId(template.id, n), ctx);
    case "inexact": {
      // Refused before anything else looks at it, whatever the method and params: -32602.
      const request = CLIENT_REQUESTS[template.method % CLIENT_REQUESTS.length] as RegistryRequest;
      const targets = [undefined, ...ctx.existingThreadIds];
      const params = baseParams(request.method, targets[template.target % targets.length]);
      const id = makeId(template.id, n);
      const base = JSON.stringify({ ...(template.jsonrpc ? { jsonrpc: "2.0" } : {}), id, method: request.method, params: isPlainObject(params) ? params : {} });
      const bytes = Buffer.from(base.replace('"params":{', `"params":{${template.inject}`), "utf8");
      return { label: `inexact ${request.method} ${template.inject}`, bytes, expected: { kind: "by-id", id, jsonrpc: template.jsonrpc, codes: [-32602], resultAllowed: false } };
    }
    case "notification": {
      const message: Record<string, unknown> = { method: template.method };
      if (template.params !== undefined) message.params = template.params;
      if (template.jsonrpc) message.jsonrpc = "2.0";
      return frame(`notification ${template.method}`, message, { kind: "none" });
    }
    case "response": {
      const id = template.id === null ? null : makeId(template.id, n);
      // A result needs a real id; an error may carry id null.
      if (id === null && !template.error) return null;
      const message = template.error ? { id, error: { code: -32000 - (n % 100), message: "client-side failure", data: template.payload } } : { id, result: template.payload };
      return frame("unsolicited response", message, { kind: "none" });
    }
    case "resultAndError": {
      const id = makeId(template.id, n);
      return frame("result and error", { id, result: 1, error: { code: 1, message: "x" } }, invalid(id, false, "a response must not carry both result and error"));
    }
    case "noRoute": {
      const id = makeId(template.id, n);
      return frame("no method, result or error", { ...template.extra, id }, invalid(id, false, "message must have a method, a result or an error"));
    }
    case "truncated": {
      const whole = buildCall({ method: template.method, target: 0, mutation: { op: "none" }, jsonrpc: false }, makeId(template.id, n), ctx);
      if (whole === null) return null;
      const full = whole.bytes.toString("utf8");
      const cut = full.slice(0, Math.max(1, Math.min(full.length - 1, Math.floor(template.cut * full.length))));
      const bytes = Buffer.from(cut, "utf8");
      const seen = textAsServed(bytes, ctx.transport);
      if (parsesAsJson(seen)) return null;
      return { label: `truncated ${whole.label}`, bytes, expected: { kind: "null-id", code: -32700, message: `Parse error: ${jsonParseReason(seen)}` } };
    }
    case "invalidUtf8":
      // A WebSocket text frame must be valid UTF-8: ws fails the connection (1007), tested apart.
      if (ctx.transport !== "stdio") return null;
      return {
        label: "invalid UTF-8",
        bytes: Buffer.concat([Buffer.from(template.before, "utf8"), Buffer.from(template.bad), Buffer.from('"}', "utf8")]),
        expected: { kind: "null-id", code: -32700, message: "Parse error: message is not valid UTF-8" },
      };
    case "deep":
      return buildDeep(template.depth, template.shape, n, ctx);
    case "huge":
      return buildHuge(template.size, template.where, n);
  }
}

function buildDeep(depth: number, shape: "array" | "object", n: number, ctx: FuzzContext): Built {
  // The message object is level 1 and params level 2; `x` adds depth - 2 more.
  const inner = depth - 2;
  const open = shape === "array" ? "[" : '{"k":';
  const close = shape === "array" ? "]" : "}";
  const nested = `${open.repeat(inner - 1)}${shape === "array" ? "[]" : "{}"}${close.repeat(inner - 1)}`;
  const threadId = ctx.existingThreadIds[0] ?? UNKNOWN_THREAD;
  const bytes = Buffer.from(`{"id":${n},"method":"thread/queue/list","params":{"threadId":"${threadId}","x":${nested}}}`, "utf8");
  const expected: ExpectedAnswer =
    depth > MAX_NESTING_DEPTH
      ? { kind: "null-id", code: -32700, message: `Parse error: message nests deeper than ${MAX_NESTING_DEPTH} levels` }
      : { kind: "by-id", id: n, jsonrpc: false, codes: [], resultAllowed: true };
  return { label: `nested ${depth} deep (${shape})`, bytes, expected };
}

function buildHuge(size: number, where: "params" | "method" | "id" | "text", n: number): Built {
  const filler = "\u00e9x".repeat(Math.ceil(size / 3)).slice(0, Math.floor(size / 2));
  switch (where) {
    case "params":
      return frame("huge params", { id: n, method: "fuzz/huge", params: { blob: filler } }, { kind: "by-id", id: n, jsonrpc: false, codes: [-32601], message: "Method not found: fuzz/huge", resultAllowed: false });
    case "method":
      return frame("huge method name", { id: n, method: `fuzz/${filler}` }, { kind: "by-id", id: n, jsonrpc: false, codes: [-32601], message: `Method not found: fuzz/${filler}`, resultAllowed: false });
    case "id": {
      const id = `${filler}#${n}`;
      return frame("huge id", { id, method: "fuzz/huge" }, { kind: "by-id", id, jsonrpc: false, codes: [-32601], message: "Method not found: fuzz/huge", resultAllowed: false });
    }
    case "text": {
      const turn = { threadId: UNKNOWN_THREAD, input: [{ type: "text", text: filler }] };
      return frame("huge turn text", { id: n, method: "thread/queue/add", params: { threadId: UNKNOWN_THREAD, turnStartParams: turn } }, {
        kind: "by-id",
        id: n,
        jsonrpc: false,
        codes: [-32600],
        message: `thread not found: ${UNKNOWN_THREAD}`,
        resultAllowed: false,
      });
    }
  }
}

/** The text the server parses: stdio lines lose one trailing CR (CRLF line ends). */
function textAsServed(bytes: Buffer, transport: FuzzTransport): string {
  const text = bytes.toString("utf8");
  return transport === "stdio" ? text.replace(/\r$/, "") : text;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function jsonParseReason(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------
// Checking what came back.

export interface AnswerCheck {
  readonly problems: string[];
}

const idKey = (id: unknown): string => `${typeof id}:${String(id)}`;

/** How many answers a batch of frames is owed. */
export function expectedAnswerCount(frames: readonly FuzzFrame[]): number {
  return frames.filter((f) => f.expected.kind !== "none").length;
}

/**
 * Compares answers with the frames' expectations: every owed answer exactly once, nothing
 * else, id-null errors in frame order, the right code and message, `jsonrpc` echoed only when
 * the request carried it. Returns every problem found (empty when all is well).
 */
export function checkAnswers(frames: readonly FuzzFrame[], answers: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  const nullIdExpected = frames.filter((f) => f.expected.kind === "null-id");
  const byId = new Map<string, FuzzFrame>();
  for (const f of frames) if (f.expected.kind === "by-id") byId.set(idKey(f.expected.id), f);
  const nullIdAnswers: Record<string, unknown>[] = [];
  const seen = new Set<string>();

  for (const answer of answers) {
    const hasResult = Object.hasOwn(answer, "result");
    const error = answer.error as { code?: unknown; message?: unknown } | undefined;
    if (hasResult === (error !== undefined)) problems.push(`answer must carry exactly one of result and error: ${brief(answer)}`);
    if (answer.id === null) {
      nullIdAnswers.push(answer);
      continue;
    }
    const key = idKey(answer.id);
    const owner = byId.get(key);
    if (owner === undefined || owner.expected.kind !== "by-id") {
      problems.push(`unexpected answer: ${brief(answer)}`);
      continue;
    }
    if (seen.has(key)) problems.push(`second answer for ${owner.label}: ${brief(answer)}`);
    seen.add(key);
    const expected = owner.expected;
    if ((answer.jsonrpc === "2.0") !== expected.jsonrpc) problems.push(`${owner.label}: jsonrpc echo is wrong in ${brief(answer)}`);
    if (hasResult) {
      if (!expected.resultAllowed) problems.push(`${owner.label}: expected an error, got ${brief(answer)}`);
      continue;
    }
    if (error === undefined) continue;
    if (!expected.codes.includes(error.code as number)) problems.push(`${owner.label}: expected code ${expected.codes.join("|") || "(a result)"}, got ${brief(answer)}`);
    if (typeof error.message !== "string" || error.message.length === 0) problems.push(`${owner.label}: error without a message`);
    else if (expected.message !== undefined && error.message !== expected.message) {
      problems.push(`${owner.label}: expected message ${JSON.stringify(expected.message.slice(0, 200))}, got ${JSON.stringify(error.message.slice(0, 200))}`);
    }
  }
  for (const [key, owner] of byId) if (!seen.has(key)) problems.push(`no answer for ${owner.label} (id ${key.slice(0, 80)})`);

  if (nullIdAnswers.length !== nullIdExpected.length) {
    problems.push(`expected ${nullIdExpected.length} id-null answers, got ${nullIdAnswers.length}: ${nullIdAnswers.map(brief).join("; ")}`);
  }
  nullIdExpected.forEach((owner, index) => {
    const answer = nullIdAnswers[index];
    if (answer === undefined || owner.expected.kind !== "null-id") return;
    const error = answer.error as { code?: unknown; message?: unknown } | undefined;
    if (error?.code !== owner.expected.code || error.message !== owner.expected.message) {
      problems.push(`${owner.label}: expected ${owner.expected.code} ${JSON.stringify(owner.expected.message)}, got ${brief(answer)}`);
    }
    if (Object.hasOwn(answer, "jsonrpc")) problems.push(`${owner.label}: an id-null answer must not claim jsonrpc`);
  });
  return problems;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
