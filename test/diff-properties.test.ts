/**
 * Properties of the engine over random schemas (fast-check): a model never differs from
 * itself, documentation edits are always safe, and any two models diff without throwing into
 * changes that each carry a severity, a reason and at least one place.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffModels } from "../codegen/diff/diff.js";
import type { JsonSchemaObject } from "../codegen/model/model.js";
import { buildModel } from "./fixtures/diff/mini-model.js";

const TYPE_IDS = ["v2/A", "v2/B", "v2/C"] as const;

const schema: fc.Arbitrary<JsonSchemaObject> = fc.letrec<{ node: JsonSchemaObject }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ type: fc.constantFrom("string", "integer", "number", "boolean") }, { requiredKeys: ["type"] }),
    fc.record({ type: fc.constant(["string", "null"]), description: fc.string() }),
    fc.record({ type: fc.constant("string"), enum: fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1 }) }),
    fc.record({ type: fc.constant("integer"), format: fc.constantFrom("uint8", "uint16", "uint32", "int64"), minimum: fc.constantFrom(0, 1) }),
    fc.constantFrom(...TYPE_IDS).map((id) => ({ $ref: `#/definitions/${id}` })),
    fc.record({ anyOf: fc.tuple(tie("node"), fc.constant({ type: "null" })) }).map((value) => ({ anyOf: [...value.anyOf] })),
    fc.record({ type: fc.constant("array"), items: tie("node") }),
    fc
      .dictionary(fc.constantFrom("x", "y", "z", "type"), tie("node"), { maxKeys: 3 })
      .chain((properties) =>
        fc.record({
          type: fc.constant("object"),
          properties: fc.constant(properties),
          required: fc.subarray(Object.keys(properties)),
          additionalProperties: fc.boolean(),
        }),
      ),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((variants) => ({ oneOf: variants })),
  ),
})).node;

const protocol = fc.record({ "v2/A": schema, "v2/B": schema, "v2/C": schema }).map((types) => ({
  methods: [
    { method: "a/call", params: "v2/A", result: "v2/B" },
    { method: "c/changed", kind: "notification" as const, direction: "serverToClient" as const, params: "v2/C" },
  ],
  types,
}));

/** Rewords every description and documents every schema, leaving the structure alone. */
function redescribe(schema: JsonSchemaObject): JsonSchemaObject {
  const copy: JsonSchemaObject = { ...schema, description: `${String(schema.description ?? "")} (reworded)` };
  if (typeof schema.properties === "object" && schema.properties !== null) {
    copy.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, JsonSchemaObject>).map(([name, value]) => [name, redescribe(value)]),
    );
  }
  if (typeof schema.items === "object" && schema.items !== null) copy.items = redescribe(schema.items as JsonSchemaObject);
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const variants = schema[keyword];
    if (Array.isArray(variants)) copy[keyword] = (variants as JsonSchemaObject[]).map(redescribe);
  }
  return copy;
}

describe("diff engine properties", () => {
  it("finds no change between a model and itself", () => {
    fc.assert(
      fc.property(protocol, (side) => {
        expect(diffModels(buildModel(side), buildModel(side)).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("judges documentation-only edits safe", () => {
    fc.assert(
      fc.property(protocol, (side) => {
        const types = Object.fromEntries(Object.entries(side.types).map(([id, type]) => [id, redescribe(type)]));
        const head = { ...side, types };
        const report = diffModels(buildModel(side), buildModel(head));
        expect(report.changes.filter((change) => change.severity !== "safe")).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("diffs any two models into well-formed changes", () => {
    fc.assert(
      fc.property(protocol, protocol, (base, head) => {
        const report = diffModels(buildModel(base), buildModel(head));
        for (const change of report.changes) {
          expect(["breaking", "warning", "safe"]).toContain(change.severity);
          expect(change.reason).not.toBe("");
          expect(change.uses.length + (change.type === null ? 0 : 1)).toBeGreaterThan(0);
        }
        const total = report.summary.breaking + report.summary.warning + report.summary.safe;
        expect(total).toBe(report.changes.length);
      }),
      { numRuns: 300 },
    );
  });
});
