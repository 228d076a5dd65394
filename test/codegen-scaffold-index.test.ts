/**
 * `--scaffold DIR` with the real emitters, run again after the schema gained methods: the new
 * stubs are written and the user's existing index.ts gets exactly their imports and table
 * entries (ts-morph), keeping everything the user wrote; the result typechecks with the
 * generated server. An index.ts of another shape is left alone, with a message.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../codegen/cli/main.js";
import { typecheck } from "../codegen/emit/types/test-support.js";

const fixture = fileURLToPath(new URL("fixtures/mini-schema", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "scaffold-index-"));
// An ES module project, as the generated code and the scaffold expect.
writeFileSync(path.join(work, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function codegen(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: work });
  return { code, stdout, stderr };
}

const read = (file: string): string => readFileSync(path.join(work, file), "utf8");

describe("codegen --scaffold on a folder scaffolded before", () => {
  it("adds the methods the schema gained to the existing index.ts and keeps the user's edits", async () => {
    cpSync(fixture, path.join(work, "schema"), { recursive: true });
    expect((await codegen(["--out", "generated"])).code).toBe(0);
    expect((await codegen(["--scaffold", "handlers"])).code).toBe(0);
    const userLine = "// wiring reviewed by the team";
    writeFileSync(path.join(work, "handlers/index.ts"), `${userLine}\n${read("handlers/index.ts")}`);

    const registry = JSON.parse(read("schema/protocol.json")) as { requests: unknown[]; notifications: unknown[] };
    registry.requests.push({ method: "note/copy", messageDirection: "clientToServer", params: "v2/NoteAddParams", result: "v2/NoteAddResponse", experimental: true, since: "0.2.0", description: "Copies a note." });
    registry.notifications.push({ method: "note/seen", messageDirection: "clientToServer", params: "v2/NoteAddParams", experimental: true, since: "0.2.0", description: "A note was read." });
    writeFileSync(path.join(work, "schema/protocol.json"), JSON.stringify(registry, null, 2));
    expect((await codegen(["--out", "generated"])).code).toBe(0);

    const again = await codegen(["--scaffold", "handlers"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("wrote handlers/note-copy.ts\n");
    expect(again.stdout).toContain("added note/copy to handlers/index.ts\n");
    expect(again.stdout).toContain("added note/seen to handlers/index.ts\n");
    const index = read("handlers/index.ts");
    expect(index.startsWith(`${userLine}\n`)).toBe(true);
    expect(index).toContain('import { noteCopy } from "./note-copy.js";');
    expect(index).toContain('"note/copy": noteCopy');
    expect(index).toContain('"note/seen": noteSeen');

    const roots = ["handlers/index.ts", "generated/server/index.ts"].map((file) => path.join(work, file));
    expect(typecheck(roots)).toEqual([]);

    const third = await codegen(["--scaffold", "handlers"]);
    expect(third.stdout).not.toContain("added ");
    expect(read("handlers/index.ts")).toBe(index);
  });

  it("leaves an index.ts of another shape alone and says so", async () => {
    const custom = "export function createHandlers() {\n  return {};\n}\n";
    writeFileSync(path.join(work, "handlers/index.ts"), custom);
    const run = await codegen(["--scaffold", "handlers"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("left handlers/index.ts as it is (it has no `handlers` variable initialised with an object literal)");
    expect(read("handlers/index.ts")).toBe(custom);
  });
});
