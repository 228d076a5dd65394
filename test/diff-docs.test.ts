/** docs/protocol-evolution.md stays true to the code: every change kind has a row, and the
 * JSON schema printed there is the one the json output is tested against. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHANGE_KINDS } from "../codegen/diff/types.js";

const repo = path.resolve(import.meta.dirname, "..");
const doc = readFileSync(path.join(repo, "docs/protocol-evolution.md"), "utf8");

describe("docs/protocol-evolution.md", () => {
  it("has a rules-table row naming every change kind", () => {
    const rows = doc.split("\n").filter((line) => line.startsWith("| "));
    const missing = CHANGE_KINDS.filter((kind) => !rows.some((row) => row.includes(`\`${kind}\``)));
    expect(missing).toEqual([]);
  });

  it("prints the same JSON schema as codegen/diff/report.schema.json", () => {
    const block = /### `--format json`[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const file = readFileSync(path.join(repo, "codegen/diff/report.schema.json"), "utf8");
    expect(JSON.parse(block ?? "null")).toEqual(JSON.parse(file));
  });
});
