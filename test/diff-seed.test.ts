/**
 * Proof on real history: the seed's queue types (shared/seed/ThreadQueueChangedNotification.json)
 * against a hand-made "v-next" of them, derived here at run time by a list of known edits.
 * Both sides are written as bundles with an `x-protocol` registry and go through the real
 * loader and `codegen diff`; every edit must be found with the severity its reader implies,
 * and nothing else may be reported.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDiffCommand } from "../codegen/diff/command.js";
import type { JsonReport } from "../codegen/diff/format/json.js";

const seedFile = path.resolve(import.meta.dirname, "..", "..", "shared", "seed", "ThreadQueueChangedNotification.json");
const present = existsSync(seedFile);
if (!present) console.warn(`diff-seed: skipped, ${seedFile} is missing`);

type Json = Record<string, unknown>;
type Definitions = Record<string, Json>;

/** The seed's Rust request/response types for thread/queue/add, which it did not export as JSON. */
const ADD_TYPES: Definitions = {
  ThreadQueueAddParams: {
    title: "ThreadQueueAddParams",
    type: "object",
    properties: { threadId: { type: "string" }, turnStartParams: { $ref: "#/definitions/QueuedTurnStartParams" } },
    required: ["threadId", "turnStartParams"],
  },
  ThreadQueueAddResponse: {
    title: "ThreadQueueAddResponse",
    type: "object",
    properties: { queuedTurn: { $ref: "#/definitions/QueuedTurn" } },
    required: ["queuedTurn"],
  },
};

const REGISTRY = {
  requests: [
    {
      method: "thread/queue/add",
      messageDirection: "clientToServer",
      params: "ThreadQueueAddParams",
      result: "ThreadQueueAddResponse",
      experimental: true,
      since: "0.1.0",
      description: "Appends a turn to the thread's queue.",
    },
  ],
  notifications: [
    {
      method: "thread/queue/changed",
      messageDirection: "serverToClient",
      params: "ThreadQueueChangedNotification",
      experimental: true,
      since: "0.1.0",
      description: "The visible queue of a thread changed.",
    },
  ],
};

function seedBundle(): Json {
  const seed = JSON.parse(readFileSync(seedFile, "utf8")) as Json & { definitions: Definitions };
  return { ...seed, definitions: { ...seed.definitions, ...ADD_TYPES }, "x-protocol": REGISTRY };
}

function at(root: unknown, ...keys: (string | number)[]): Json {
  let node = root;
  for (const key of keys) node = (node as Record<string | number, unknown>)[key];
  if (typeof node !== "object" || node === null) throw new Error(`seed changed shape: nothing at ${keys.join("/")}`);
  return node as Json;
}

function variant(definitions: Definitions, type: string, tag: string): Json {
  const variants = at(definitions, type, "oneOf") as unknown as Json[];
  const found = variants.find((entry) => (at(entry, "properties", "type").enum as unknown[])[0] === tag);
  if (found === undefined) throw new Error(`seed changed shape: no ${type} variant ${tag}`);
  return found;
}

/** Renames a definition and every $ref to it. */
function rename(bundle: Json, from: string, to: string): Json {
  const text = JSON.stringify(bundle).split(`"#/definitions/${from}"`).join(`"#/definitions/${to}"`);
  const renamed = JSON.parse(text) as Json & { definitions: Definitions };
  const { [from]: moved, ...rest } = renamed.definitions;
  return { ...renamed, definitions: { ...rest, [to]: moved as Json } };
}

interface Edit {
  readonly what: string;
  readonly apply: (definitions: Definitions) => void;
  /** Expected with --strict-experimental (every queue method is experimental). */
  readonly expect: readonly { kind: string; severity: string; at: string }[];
}

const ADD = "thread/queue/add";
const CHANGED = "thread/queue/changed";

const EDITS: readonly Edit[] = [
  {
    what: "the failed status's tag renamed to errored",
    apply: (d) => {
      const failed = variant(d, "QueuedTurnStatus", "failed");
      at(failed, "properties", "type").enum = ["errored"];
      at(failed, "properties", "type").title = "ErroredQueuedTurnStatusType";
      failed.title = "ErroredQueuedTurnStatus";
    },
    expect: [
      { kind: "tag-changed", severity: "breaking", at: `${ADD} › result › queuedTurn › status › <type=errored>` },
      { kind: "title-changed", severity: "safe", at: `${ADD} › result › queuedTurn › status › <type=errored>` },
    ],
  },
  {
    what: "a paused status clients have never seen",
    apply: (d) => {
      (at(d, "QueuedTurnStatus").oneOf as Json[]).push({
        title: "PausedQueuedTurnStatus",
        type: "object",
        properties: { type: { type: "string", enum: ["paused"], title: "PausedQueuedTurnStatusType" } },
        required: ["type"],
      });
    },
    expect: [{ kind: "variant-added", severity: "warning", at: `${ADD} › result › queuedTurn › status › <type=paused>` }],
  },
  {
    what: "TurnError.message may be null",
    apply: (d) => {
      at(d, "TurnError", "properties", "message").type = ["string", "null"];
    },
    expect: [
      { kind: "null-added", severity: "breaking", at: `${ADD} › result › queuedTurn › status › <type=errored> › error › message` },
    ],
  },
  {
    what: "TurnError.additionalDetails (optional) dropped",
    apply: (d) => {
      delete at(d, "TurnError", "properties").additionalDetails;
    },
    expect: [
      { kind: "property-removed", severity: "safe", at: `${ADD} › result › queuedTurn › status › <type=errored> › error › additionalDetails` },
    ],
  },
  {
    what: "the localImage input variant dropped (clients send it in add params)",
    apply: (d) => {
      const inputs = at(d, "UserInput").oneOf as Json[];
      at(d, "UserInput").oneOf = inputs.filter((entry) => entry !== variant(d, "UserInput", "localImage"));
    },
    expect: [
      { kind: "variant-removed", severity: "breaking", at: `${ADD} › params › turnStartParams › input[] › <type=localImage>` },
    ],
  },
  {
    what: "a new reasoning effort value",
    apply: (d) => {
      (at(d, "ReasoningEffort").enum as string[]).push("ultra");
    },
    expect: [{ kind: "enum-value-added", severity: "warning", at: `${ADD} › result › queuedTurn › turnStartParams › effort` }],
  },
  {
    what: "a required priority in the queued turn's params",
    apply: (d) => {
      at(d, "QueuedTurnStartParams", "properties").priority = { type: "integer", format: "uint8", minimum: 0 };
      (at(d, "QueuedTurnStartParams").required as string[]).push("priority");
    },
    expect: [
      { kind: "required-property-added", severity: "breaking", at: `${ADD} › params › turnStartParams › priority` },
    ],
  },
  {
    what: "NetworkAccess loses restricted",
    apply: (d) => {
      at(d, "NetworkAccess").enum = ["enabled"];
    },
    expect: [
      {
        kind: "enum-value-removed",
        severity: "breaking",
        at: `${ADD} › params › turnStartParams › sandboxPolicy › <type=externalSandbox> › networkAccess`,
      },
    ],
  },
  {
    what: "QueuedTurn gets a description",
    apply: (d) => {
      at(d, "QueuedTurn").description = "A turn waiting in a thread's queue.";
    },
    expect: [{ kind: "description-changed", severity: "safe", at: `${ADD} › result › queuedTurn` }],
  },
  {
    what: "text_elements defaults to null instead of []",
    apply: (d) => {
      at(variant(d, "UserInput", "text"), "properties", "text_elements").default = null;
    },
    expect: [
      { kind: "default-changed", severity: "warning", at: `${ADD} › params › turnStartParams › input[] › <type=text> › text_elements` },
    ],
  },
  {
    what: "the granular approval object closed",
    apply: (d) => {
      const granular = (at(d, "AskForApproval").oneOf as Json[])[1];
      at(granular, "properties", "granular").additionalProperties = false;
    },
    expect: [
      {
        kind: "additional-properties-tightened",
        severity: "breaking",
        at: `${ADD} › params › turnStartParams › approvalPolicy › <GranularAskForApproval> › granular`,
      },
    ],
  },
  {
    what: "ByteRange.start narrowed from uint to uint32",
    apply: (d) => {
      at(d, "ByteRange", "properties", "start").format = "uint32";
    },
    expect: [
      {
        kind: "numeric-range-narrowed",
        severity: "breaking",
        at: `${ADD} › params › turnStartParams › input[] › <type=text> › text_elements[] › byteRange › start`,
      },
    ],
  },
];

/** Renames are applied to the whole bundle, after the edits. */
const RENAMES = [{ from: "ModeKind", to: "CollaborationModeKind" }];
const RENAME_EXPECT = [
  { kind: "type-renamed", severity: "safe", at: `${ADD} › params › turnStartParams › collaborationMode › mode` },
];

function vNext(): Json {
  const bundle = seedBundle() as Json & { definitions: Definitions };
  for (const edit of EDITS) edit.apply(bundle.definitions);
  return RENAMES.reduce((current, { from, to }) => rename(current, from, to), bundle as Json);
}

describe.skipIf(!present)(`codegen diff on the seed's queue types (needs ${seedFile})`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "diff-seed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function diff(...flags: string[]): Promise<{ code: number; report: JsonReport }> {
    writeFileSync(path.join(dir, "seed.json"), JSON.stringify(seedBundle(), null, 2) + "\n");
    writeFileSync(path.join(dir, "v-next.json"), JSON.stringify(vNext(), null, 2) + "\n");
    let stdout = "";
    let stderr = "";
    const code = await runDiffCommand(["--base", "seed.json", "--schema", "v-next.json", "--format", "json", ...flags], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      cwd: dir,
    });
    expect(stderr).toBe("");
    return { code, report: JSON.parse(stdout) as JsonReport };
  }

  it("finds every v-next edit with its severity, and nothing else", async () => {
    const { code, report } = await diff("--strict-experimental");
    expect(code).toBe(1);
    const expected = [...EDITS.flatMap((edit) => edit.expect), ...RENAME_EXPECT];
    const unmatched = [...report.changes];
    const missing = expected.filter((entry) => {
      const index = unmatched.findIndex(
        (change) =>
          change.kind === entry.kind &&
          change.severity === entry.severity &&
          change.uses.some((use) => use.path === entry.at),
      );
      if (index !== -1) unmatched.splice(index, 1);
      return index === -1;
    });
    const extra = unmatched.map((change) => `${change.kind} ${change.severity} ${change.uses[0]?.path ?? ""}`);
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it("judges a type both ways when clients send it and receive it back (TurnStartParams)", async () => {
    const { report } = await diff("--strict-experimental");
    const removed = report.changes.find((change) => change.kind === "variant-removed");
    expect(removed?.judgements.map((judgement) => [judgement.reader, judgement.severity])).toEqual([
      ["server", "breaking"],
      ["client", "safe"],
    ]);
    expect(removed?.uses.map((use) => use.path)).toContain(`${CHANGED} › params › queuedTurns[] › turnStartParams › input[] › <type=localImage>`);
  });

  it("without --strict-experimental every queue change is a warning at most", async () => {
    const { code, report } = await diff();
    expect(code).toBe(0);
    expect(report.summary.breaking).toBe(0);
    expect(report.changes.filter((change) => change.reason.includes("experimental: warning at most")).length).toBe(
      EDITS.flatMap((edit) => edit.expect).filter((entry) => entry.severity === "breaking").length,
    );
  });
});
