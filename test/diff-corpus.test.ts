/**
 * The project's schema/ against the upstream corpus's versions of the same types
 * (shared/corpus/.../codex_app_server_protocol.schemas.json, registry derived from upstream's
 * unions). The base keeps only the methods both registries have and the types those reach,
 * so the report is about the shared surface. What a maintainer should read in it — and this
 * test checks — is exactly schema/README.md's "Deviations from upstream":
 *
 * - breaking: only the seed-wins types (UserInput loses audio inputs, ImageDetail values,
 *   ReasoningEffort becomes an enum) — all judged from the server's side, since clients send
 *   them — plus `thread/queue/changed` becoming experimental (upstream's is a stable, different
 *   design);
 * - warning: the optional request fields the reference server drops (clients may still send
 *   them; the server ignores them), and upstream's AskForApproval values clients may receive;
 * - safe: dropped optional response fields and ThreadItem variants (clients already handle
 *   their absence), TurnStartParams' seed-only optional fields, the new thread/queue requests,
 *   documentation.
 * - nothing at all in the types kept in full.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diffModels } from "../codegen/diff/diff.js";
import { reachableTypes } from "../codegen/diff/reach.js";
import type { Change, DiffReport } from "../codegen/diff/types.js";
import { loadProtocol } from "../codegen/load/index.js";

const repo = path.resolve(import.meta.dirname, "..");
const corpusFile = path.resolve(repo, "..", "shared", "corpus", "codex-app-server-protocol", "codex_app_server_protocol.schemas.json");
const present = existsSync(corpusFile);
if (!present) console.warn(`diff-corpus: skipped, ${corpusFile} is missing`);

const SEED_WINS = new Set([
  "v2/AskForApproval",
  "v2/CodexErrorInfo",
  "v2/ImageDetail",
  "v2/ReasoningEffort",
  "v2/TurnEnvironmentParams",
  "v2/UserInput",
  "v2/TurnStartParams",
]);

const KEPT_IN_FULL = [
  "ClientInfo",
  "InitializeParams",
  "InitializeResponse",
  "v2/SessionSource",
  "v2/SubAgentSource",
  "v2/AgentPath",
  "v2/ThreadId",
  "v2/ThreadStatus",
  "v2/ThreadActiveFlag",
  "v2/TurnStatus",
  "v2/MessagePhase",
  "v2/TurnStartResponse",
  "v2/TurnInterruptParams",
  "v2/TurnInterruptResponse",
  "v2/ThreadStartedNotification",
  "v2/TurnStartedNotification",
  "v2/TurnCompletedNotification",
  "v2/ErrorNotification",
];

/** README's dropped optional fields: request-side ones are warnings, response-side ones safe. */
const DROPPED_FROM_REQUESTS: Record<string, string[]> = {
  InitializeCapabilities: ["extensions", "mcpServerOpenaiFormElicitation", "requestAttestation"],
  "v2/ThreadStartParams": [
    "baseInstructions", "config", "developerInstructions", "personality", "sandbox",
    "serviceName", "serviceTier", "sessionStartSource", "threadSource",
  ],
  "v2/ThreadResumeParams": ["baseInstructions", "config", "developerInstructions", "personality", "sandbox", "serviceTier"],
  "v2/TurnStartParams": ["clientUserMessageId"],
};
const DROPPED_FROM_RESPONSES: Record<string, string[]> = {
  "v2/ThreadStartResponse": ["instructionSources", "reasoningEffort", "serviceTier"],
  "v2/ThreadResumeResponse": ["instructionSources", "reasoningEffort", "serviceTier"],
  "v2/Thread": [
    "agentNickname", "agentRole", "forkedFromId", "gitInfo", "name", "parentThreadId",
    "path", "recencyAt", "section", "sectionEnteredAt", "threadSource",
  ],
  "v2/Turn": ["itemsView"],
};

function removedProperties(report: DiffReport, severity: Change["severity"]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const change of report.changes) {
    if (change.kind !== "property-removed" || change.severity !== severity || change.type === null) continue;
    if (change.type === "v2/ThreadItem") continue; // variant fields, checked with the variants
    (found[change.type] ??= []).push(change.path);
  }
  for (const list of Object.values(found)) list.sort();
  return found;
}

function sorted(record: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(record).map(([key, list]) => [key, [...list].sort()]));
}

describe.skipIf(!present)(`codegen diff: schema/ against the upstream corpus (needs ${corpusFile})`, () => {
  let report: DiffReport;
  let sharedMethods: Set<string>;

  beforeAll(async () => {
    const head = await loadProtocol("schema", { cwd: repo });
    const corpus = await loadProtocol(corpusFile, { cwd: repo });
    if (!head.ok || !corpus.ok) throw new Error("schema/ or the corpus does not load; see the loader's tests");
    const ours = new Set(head.model.methods.map((method) => method.method));
    const methods = corpus.model.methods.filter((method) => ours.has(method.method));
    sharedMethods = new Set(methods.map((method) => method.method));
    const reached = reachableTypes({ ...corpus.model, methods });
    const base = { ...corpus.model, methods, types: corpus.model.types.filter((type) => reached.has(type.id)) };
    report = diffModels(base, head.model, { baseLabel: "upstream corpus", headLabel: "schema" });
  });

  it("breaks only where the seed wins (read by the server) and where thread/queue/changed became experimental", () => {
    const breaking = report.changes.filter((change) => change.severity === "breaking");
    const methodLevel = breaking.filter((change) => change.type === null);
    expect(methodLevel.map((change) => [change.kind, change.uses[0]?.method])).toEqual([
      ["method-made-experimental", "thread/queue/changed"],
    ]);
    const typeLevel = breaking.filter((change) => change.type !== null);
    expect(typeLevel.length).toBeGreaterThan(0);
    for (const change of typeLevel) {
      expect(SEED_WINS, `${change.type} ${change.kind}`).toContain(change.type);
      expect(change.judgements.filter((judgement) => judgement.severity === "breaking").map((j) => j.reader)).toEqual(["server"]);
    }
    expect(typeLevel.map((change) => `${change.type} ${change.detail}`).sort()).toEqual([
      'v2/ImageDetail enum value "auto" removed',
      'v2/ImageDetail enum value "low" removed',
      'v2/ReasoningEffort values restricted to "none", "minimal", "low", "medium", "high", "xhigh"',
      "v2/UserInput variant type=audio removed",
      "v2/UserInput variant type=localAudio removed",
    ]);
  });

  it("reports the optional request fields the server drops as warnings, exactly README's list", () => {
    expect(removedProperties(report, "warning")).toEqual(sorted(DROPPED_FROM_REQUESTS));
  });

  it("reports dropped response fields and ThreadItem variants as safe", () => {
    expect(removedProperties(report, "safe")).toEqual(sorted(DROPPED_FROM_RESPONSES));
    const variants = report.changes.filter((change) => change.type === "v2/ThreadItem" && change.kind === "variant-removed");
    expect(variants.length).toBe(16);
    expect(variants.every((change) => change.severity === "safe")).toBe(true);
  });

  it("finds nothing in the types kept in full", () => {
    const touched = report.changes.filter((change) => change.type !== null && KEPT_IN_FULL.includes(change.type));
    expect(touched.map((change) => `${change.type} ${change.kind} ${change.path}`)).toEqual([]);
  });

  it("adds the seed's queue requests, and touches no other method", () => {
    const added = report.changes.filter((change) => change.kind === "method-added").map((change) => change.uses[0]?.method);
    expect(added.sort()).toEqual(["thread/queue/add", "thread/queue/delete", "thread/queue/list", "thread/queue/reorder"]);
    for (const change of report.changes) {
      if (change.kind === "method-added") continue;
      for (const use of change.uses) expect(sharedMethods).toContain(use.method);
    }
  });
});
