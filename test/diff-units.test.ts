/** The small pieces of `codegen diff` that the fixtures only reach indirectly. */
import { describe, expect, it } from "vitest";
import { parseDiffArgs } from "../codegen/diff/args.js";
import { formatGithub } from "../codegen/diff/format/github.js";
import { formatText } from "../codegen/diff/format/text.js";
import { normalize } from "../codegen/diff/normalize.js";
import { formatPath } from "../codegen/diff/path.js";
import { lineOfPointer } from "../codegen/diff/pointer-line.js";
import type { Change, DiffReport } from "../codegen/diff/types.js";

describe("normalize", () => {
  it("reads the three spellings of nullable alike", () => {
    const spellings = [
      { type: ["string", "null"] },
      { anyOf: [{ type: "string" }, { type: "null" }] },
      { oneOf: [{ type: "null" }, { type: "string" }] },
    ];
    for (const schema of spellings) expect(normalize(schema)).toEqual({ nullable: true, core: { type: "string" }, ref: undefined });
    expect(normalize({ enum: ["a", null] })).toMatchObject({ nullable: true, core: { enum: ["a"] } });
  });

  it("merges schemars' described $ref wrapper into the reference", () => {
    expect(normalize({ allOf: [{ $ref: "#/definitions/v2/ByteRange" }], description: "span" })).toEqual({
      nullable: false,
      core: { $ref: "#/definitions/v2/ByteRange", description: "span" },
      ref: "v2/ByteRange",
    });
  });
});

describe("formatPath", () => {
  it("suffixes array items and map values and brackets union variants", () => {
    expect(
      formatPath([
        { kind: "root", name: "thread/queue/changed" },
        { kind: "root", name: "params" },
        { kind: "property", name: "queuedTurns" },
        { kind: "items" },
        { kind: "property", name: "status" },
        { kind: "variant", label: "type=failed" },
        { kind: "property", name: "env" },
        { kind: "values" },
      ]),
    ).toBe("thread/queue/changed › params › queuedTurns[] › status › <type=failed> › env{}");
  });
});

describe("lineOfPointer", () => {
  const text = '{\n  "a": {\n    "b/c": [\n      1,\n      {"d": 2}\n    ]\n  },\n  "e": "x\\"y"\n}\n';
  it("finds keys, escaped keys and array items", () => {
    expect(lineOfPointer(text, "")).toBe(1);
    expect(lineOfPointer(text, "/a")).toBe(2);
    expect(lineOfPointer(text, "/a/b~1c/1")).toBe(5);
    expect(lineOfPointer(text, "/e")).toBe(8);
  });
  it("falls back to the deepest existing parent for something removed", () => {
    expect(lineOfPointer(text, "/a/missing/deeper")).toBe(2);
  });
});

describe("parseDiffArgs", () => {
  it("applies defaults and accepts --flag=value", () => {
    expect(parseDiffArgs(["--base=origin/main"])).toEqual({
      ok: true,
      help: false,
      args: { base: "origin/main", schema: "schema", format: "text", failOn: "breaking", strictExperimental: false },
    });
  });
  it("rejects unknown flags, bad values and a missing --base with a message", () => {
    expect(parseDiffArgs(["--base", "x", "--what"])).toMatchObject({ ok: false, message: expect.stringContaining("--what") });
    expect(parseDiffArgs(["--base", "x", "--fail-on", "fatal"])).toMatchObject({ ok: false, message: expect.stringContaining("--fail-on") });
    expect(parseDiffArgs(["--base"])).toMatchObject({ ok: false, message: "--base needs a value" });
    expect(parseDiffArgs([])).toMatchObject({ ok: false, message: expect.stringContaining("--base is required") });
  });
});

describe("formatGithub", () => {
  it("escapes workflow-command data and properties", () => {
    const change: Change = {
      kind: "property-removed",
      severity: "warning",
      reason: "read by the server: 100% sure\nsecond line",
      detail: 'property "a,b" removed',
      type: "v2/X",
      baseType: null,
      path: "a,b",
      location: { side: "head", file: "schema/v2/X:1,2.json", pointer: "/properties/a,b" },
      uses: [],
      judgements: [],
    };
    const report: DiffReport = { version: 1, base: "b", head: "h", summary: { breaking: 0, warning: 1, safe: 0 }, changes: [change] };
    const [line] = formatGithub(report, { failOn: "breaking" }).split("\n");
    expect(line).toBe(
      '::warning file=schema/v2/X%3A1%2C2.json,title=Protocol change to check%3A property-removed::v2/X › a,b: property "a,b" removed — read by the server: 100%25 sure%0Asecond line',
    );
  });
});

describe("formatText", () => {
  it("shows under each method the verdict for that method's reader", () => {
    const change: Change = {
      kind: "variant-removed",
      severity: "breaking",
      reason: "read by the server: old clients may still send it",
      detail: "variant type=localImage removed",
      type: "v2/UserInput",
      baseType: null,
      path: "<type=localImage>",
      location: null,
      uses: [
        { method: "turn/start", role: "params", reader: "server", experimental: false, path: "turn/start › params › input[] › <type=localImage>" },
        { method: "turn/started", role: "params", reader: "client", experimental: false, path: "turn/started › params › input[] › <type=localImage>" },
      ],
      judgements: [
        { reader: "server", severity: "breaking", reason: "read by the server: old clients may still send it" },
        { reader: "client", severity: "safe", reason: "read by clients: the server now sends a subset" },
      ],
    };
    const report: DiffReport = { version: 1, base: "b", head: "h", summary: { breaking: 1, warning: 0, safe: 0 }, changes: [change] };
    const text = formatText(report, { failOn: "breaking" });
    expect(text).toContain("turn/start — 1 breaking\n  BREAKING  turn/start › params › input[] › <type=localImage>  [variant-removed]\n            variant type=localImage removed — read by the server: old clients may still send it");
    expect(text).toContain("turn/started — 1 safe\n  safe      turn/started › params › input[] › <type=localImage>  [variant-removed]\n            variant type=localImage removed — read by clients: the server now sends a subset");
    expect(text.indexOf("turn/start —")).toBeLessThan(text.indexOf("turn/started —"));
  });
});
