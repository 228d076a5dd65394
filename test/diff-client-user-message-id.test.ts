/**
 * Issue 14's schema change, judged by the toolkit's own `codegen diff`: schema/ without
 * `clientUserMessageId` (the previous protocol) against schema/ as it is. Adding the optional
 * id to `ThreadQueueAddParams` and echoing it on `QueuedTurn` must be `safe` for every
 * method that carries either type, even with `--strict-experimental`, and nothing else may be
 * reported.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDiffCommand } from "../codegen/diff/command.js";
import type { JsonReport } from "../codegen/diff/format/json.js";

const repo = path.resolve(import.meta.dirname, "..");
const CHANGED_TYPES = ["v2/ThreadQueueAddParams.json", "v2/QueuedTurn.json"];

/** schema/ as it was before the id: the property removed from both types, nothing else. */
function previousSchema(into: string): void {
  cpSync(path.join(repo, "schema"), into, { recursive: true });
  for (const file of CHANGED_TYPES) {
    const target = path.join(into, file);
    const doc = JSON.parse(readFileSync(target, "utf8")) as { properties: Record<string, unknown> };
    expect(doc.properties).toHaveProperty("clientUserMessageId");
    delete doc.properties["clientUserMessageId"];
    writeFileSync(target, JSON.stringify(doc, null, 2) + "\n");
  }
}

describe("codegen diff: clientUserMessageId (issue 14)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "diff-cumi-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("classifies the added optional id as safe wherever it travels, and finds nothing else", async () => {
    const base = path.join(dir, "previous");
    previousSchema(base);
    let stdout = "";
    let stderr = "";
    const code = await runDiffCommand(
      ["--base", base, "--schema", path.join(repo, "schema"), "--format", "json", "--strict-experimental"],
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: repo },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    const found = report.changes
      .flatMap((change) => change.uses.map((use) => `${change.severity} ${change.kind} ${use.path}`))
      .sort();
    expect(found).toEqual([
      "safe property-added thread/queue/add › params › clientUserMessageId",
      "safe property-added thread/queue/add › result › queuedTurn › clientUserMessageId",
      "safe property-added thread/queue/changed › params › queuedTurns[] › clientUserMessageId",
      "safe property-added thread/queue/list › result › data[] › clientUserMessageId",
      "safe property-added thread/queue/reorder › result › queuedTurns[] › clientUserMessageId",
    ]);
    expect(report.summary.breaking).toBe(0);
    expect(report.summary.warning).toBe(0);
  });
});
