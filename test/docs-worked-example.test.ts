/**
 * The README's "Adding a method" example works on the real schema folder, follows the folder's
 * style, and schema/README.md does not tell a different story (it used to call the response
 * field `removed` where the README says `deleted`).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffModels } from "../codegen/diff/diff.js";
import { loadProtocol } from "../codegen/load/index.js";
import type { ProtocolModel } from "../codegen/model/model.js";

const repo = path.resolve(import.meta.dirname, "..");
const HEADING = "### Adding a method (worked example)";

/** The README section's JSON blocks, in order: the params file, the response file, the registry entry. */
async function exampleBlocks(): Promise<Record<string, unknown>[]> {
  const readme = await readFile(path.join(repo, "README.md"), "utf8");
  const start = readme.indexOf(HEADING);
  expect(start, `README.md has the heading ${HEADING}`).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf("\n### ", start + HEADING.length));
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse((match[1] ?? "").replace(/^ {3}/gm, "")) as Record<string, unknown>);
}

describe("the README's worked example", () => {
  let blocks: Record<string, unknown>[];
  let before: ProtocolModel;
  let after: ProtocolModel;
  let work: string;
  beforeAll(async () => {
    blocks = await exampleBlocks();
    work = await mkdtemp(path.join(tmpdir(), "worked-example-"));
    await cp(path.join(repo, "schema"), path.join(work, "schema"), { recursive: true });
    const [params, response, entry] = blocks;
    await writeFile(path.join(work, "schema/v2/ThreadQueueClearParams.json"), JSON.stringify(params, null, 2));
    await writeFile(path.join(work, "schema/v2/ThreadQueueClearResponse.json"), JSON.stringify(response, null, 2));
    const registryPath = path.join(work, "schema/protocol.json");
    const registry = JSON.parse(await readFile(registryPath, "utf8")) as { requests: unknown[] };
    registry.requests.push(entry);
    await writeFile(registryPath, JSON.stringify(registry, null, 2));
    const load = async (dir: string) => {
      const loaded = await loadProtocol(dir, { cwd: work });
      if (!loaded.ok) throw new Error(loaded.errors.map((error) => `${error.file}#${error.pointer}: ${error.message}`).join("\n"));
      return loaded.model;
    };
    before = await load(path.join(repo, "schema"));
    after = await load("schema");
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("has the two type files and the registry entry", () => {
    expect(blocks).toHaveLength(3);
  });

  it("loads, and adds thread/queue/clear answering {deleted}", () => {
    const method = after.methods.find((each) => each.method === "thread/queue/clear");
    expect(method).toMatchObject({ kind: "request", direction: "clientToServer", params: "v2/ThreadQueueClearParams", result: "v2/ThreadQueueClearResponse", experimental: true });
    const result = after.types.find((type) => type.id === "v2/ThreadQueueClearResponse");
    expect(result?.schema).toMatchObject({ required: ["deleted"], properties: { deleted: { type: "integer", format: "uint32" } } });
  });

  it("is a safe change, as step 4 says", () => {
    const report = diffModels(before, after);
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({ breaking: 0, warning: 0 });
  });

  it("writes the type files in the folder's key order ($schema, title, description, then alphabetical)", () => {
    for (const block of blocks.slice(0, 2)) {
      const keys = Object.keys(block);
      const rest = keys.slice(3);
      expect(keys.slice(0, 3)).toEqual(["$schema", "title", "description"]);
      expect(rest).toEqual([...rest].sort());
    }
  });

  it("is the only version of the example: schema/README.md points to it and restates no file of it", async () => {
    const schemaReadme = await readFile(path.join(repo, "schema/README.md"), "utf8");
    const start = schemaReadme.indexOf("## Worked example");
    const section = schemaReadme.slice(start, schemaReadme.indexOf("\n## ", start + 1));
    expect(section).toContain("](../README.md#adding-a-method-worked-example)");
    expect(section).not.toContain("```json");
    expect(section).not.toMatch(/"(removed|deleted)"/);
  });
});
