/**
 * One fixture per rule (test/fixtures/diff/rules/*.json): both sides as small protocols and
 * the exact list of changes expected, each with its kind, severity and one of its paths.
 * Nothing else may be reported, so a fixture also proves the rule stays quiet elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffModels } from "../codegen/diff/diff.js";
import type { Change } from "../codegen/diff/types.js";
import { buildModel, type MiniProtocol } from "./fixtures/diff/mini-model.js";

interface Expected {
  readonly kind: string;
  readonly severity: string;
  readonly at: string;
}

interface RuleFixture {
  readonly rule: string;
  readonly options?: { readonly strictExperimental?: boolean };
  readonly base: MiniProtocol;
  readonly head: MiniProtocol;
  readonly expect: readonly Expected[];
}

const folder = join(import.meta.dirname, "fixtures", "diff", "rules");
const fixtures = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => ({ name, fixture: JSON.parse(readFileSync(join(folder, name), "utf8")) as RuleFixture }));

/** Where a change can be named: each method-rooted path, or the type path when no method uses it. */
function places(change: Change): string[] {
  if (change.uses.length > 0) return change.uses.map((use) => use.path);
  return [[change.type ?? "", change.path].filter((part) => part !== "").join(" › ")];
}

function render(change: Change): string {
  return `${change.kind} ${change.severity} @ ${places(change).join(" | ")}`;
}

describe("diff rules (fixtures)", () => {
  it("has a fixture for every rule of the issue", () => {
    const names = fixtures.map((entry) => entry.name);
    for (const expected of [
      "method-removed.json",
      "method-renamed.json",
      "method-kind-direction.json",
      "params-result-type-changed.json",
      "required-property-added.json",
      "property-removed.json",
      "property-type.json",
      "nullable.json",
      "enum-values.json",
      "one-of-variants.json",
      "tag-changed.json",
      "additional-properties.json",
      "numeric-range.json",
      "ref-renamed.json",
      "default-changed.json",
      "description-only.json",
      "experimental-cap.json",
    ]) {
      expect(names).toContain(expected);
    }
  });

  for (const { name, fixture } of fixtures) {
    it(`${name}: ${fixture.rule}`, () => {
      const base = buildModel(fixture.base, {}, "base");
      const head = buildModel(fixture.base, fixture.head, "head");
      const report = diffModels(base, head, { strictExperimental: fixture.options?.strictExperimental ?? false });
      const unmatched = [...report.changes];
      const missing: Expected[] = [];
      for (const expected of fixture.expect) {
        const index = unmatched.findIndex(
          (change) =>
            change.kind === expected.kind && change.severity === expected.severity && places(change).includes(expected.at),
        );
        if (index === -1) missing.push(expected);
        else unmatched.splice(index, 1);
      }
      expect({ missing, unexpected: unmatched.map(render) }).toEqual({ missing: [], unexpected: [] });
    });
  }
});

describe("renames", () => {
  it("report a renamed type once, with every site that references it", () => {
    const fixture = fixtures.find((entry) => entry.name === "ref-renamed.json")?.fixture;
    if (fixture === undefined) throw new Error("ref-renamed.json is missing");
    const report = diffModels(buildModel(fixture.base), buildModel(fixture.base, fixture.head));
    const turnError = report.changes.find((change) => change.baseType === "v2/TurnError");
    expect(turnError).toMatchObject({ kind: "type-renamed", type: "v2/QueuedTurnError", path: "" });
    expect(turnError?.uses.map((use) => use.path).sort()).toEqual([
      "thread/queue/changed › params › status",
      "thread/queue/list › result › data[] › error",
    ]);
  });
});
