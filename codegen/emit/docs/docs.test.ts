/**
 * The docs emitter on schema/ and on hand-built models: pages and what they say, links that
 * resolve, determinism, Markdown that cannot inject markup, and the exit-2 paths (a schema
 * example that fails its validator, a DOT text Graphviz cannot lay out, a registry diagram
 * naming a missing method or file).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { isGeneratedContent } from "../../cli/generated-marker.js";
import { SchemaInputError } from "../../errors.js";
import { loadProtocol } from "../../load/index.js";
import type { GeneratedFile, MethodSpec, ProtocolModel } from "../../model/model.js";
import { modelOf, namedType } from "../types/test-support.js";
import { emitDocs } from "./index.js";
import { emitDocsInWorker } from "./in-worker.js";
import { closeCompileWorker } from "../validators/compile-in-worker.js";
import { brokenLinks } from "./link-check.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), "docs-emitter-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let model: ProtocolModel;
let files: GeneratedFile[];
const page = (name: string): string => {
  const file = files.find((candidate) => candidate.path === `docs/${name}`);
  if (file === undefined) throw new Error(`no page docs/${name}`);
  return file.contents;
};

beforeAll(async () => {
  const loaded = await loadProtocol("schema", { cwd: repoRoot });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  model = loaded.model;
  files = emitDocs(model);
});

function method(overrides: Partial<MethodSpec> & Pick<MethodSpec, "method">): MethodSpec {
  return { kind: "request", direction: "clientToServer", params: null, result: null, experimental: false, since: "1.0", description: "Does a thing.", source: { file: "schema/protocol.json", pointer: "/requests/0" }, ...overrides };
}

async function runCli(schemaDir: string): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await main(["--schema", schemaDir, "--out", path.join(scratch, "out")], { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: scratch });
  return { code, stderr };
}

function copySchema(name: string): string {
  const directory = path.join(scratch, name);
  cpSync(path.join(repoRoot, "schema"), directory, { recursive: true });
  return directory;
}

function editJson(file: string, edit: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(value);
  writeFileSync(file, JSON.stringify(value, null, 2));
}

describe("the site of schema/", () => {
  it("has an index, a types list, search, diagrams, a page per method and per type, and its assets", () => {
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(["docs/index.html", "docs/types.html", "docs/search.html", "docs/diagrams.html", "docs/assets/site.css", "docs/assets/search.js", "docs/assets/search-index.js"]));
    expect(paths.filter((file) => file.startsWith("docs/methods/"))).toHaveLength(model.methods.length);
    expect(paths.filter((file) => file.startsWith("docs/types/"))).toHaveLength(model.types.length);
    expect(paths).toContain("docs/methods/thread/queue/add.html");
    expect(paths).toContain("docs/types/v2/QueuedTurn.html");
  });

  it("marks every file as generated and is byte-identical on a second run", () => {
    for (const file of files) expect(isGeneratedContent(file.contents), file.path).toBe(true);
    expect(emitDocs(model)).toEqual(files);
  });

  it("is the same site when the CLI builds it in its worker thread, examples checked by the compile worker", async () => {
    // Another model object, so the worker compiles it afresh (sessions are per model).
    const reloaded = await loadProtocol("schema", { cwd: repoRoot });
    if (!reloaded.ok) throw new Error(JSON.stringify(reloaded.errors));
    try {
      expect(await emitDocsInWorker.start(reloaded.model)).toEqual(files);
    } finally {
      closeCompileWorker(reloaded.model);
    }
  });

  it("resolves every relative link and asset of every page, and loads nothing from the network", () => {
    expect(brokenLinks(files)).toEqual([]);
    for (const file of files.filter((candidate) => candidate.path.endsWith(".html"))) {
      expect(file.contents, file.path).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    }
  });

  it("groups the index by direction, with experimental badges and since", () => {
    const index = page("index.html");
    const headings = [...index.matchAll(/<h2 id="([^"]+)"/g)].map((match) => match[1]);
    expect(headings).toEqual(["clientToServer-requests", "clientToServer-notifications", "serverToClient-notifications"]);
    const addRow = index.slice(index.indexOf('href="methods/thread/queue/add.html"'));
    expect(addRow.slice(0, 400)).toMatch(/experimental<\/span>[\s\S]*0\.1\.0[\s\S]*Appends a turn to the tail of a thread's queue, to start when the thread is idle\.<\/td>/);
  });

  it("shows a method's fields with linked types, presence, nullability and constraints", () => {
    const list = page("methods/thread/queue/list.html");
    expect(list).toMatch(/<code>limit<\/code><\/th>\s*<td><code>integer<\/code> \| <code>null<\/code><\/td>\s*<td><span class="optional">optional<\/span> <span class="nullable">nullable<\/span><\/td>\s*<td>\s*<ul class="constraints">\s*<li>uint32: 0\.\.4294967295<\/li>\s*<li>≥ 0<\/li>/);
    expect(list).toContain('<a href="../../../types/v2/QueuedTurn.html" title="v2/QueuedTurn"><code>QueuedTurn</code></a><code>[]</code>');
    const add = page("methods/thread/queue/add.html");
    expect(add).toMatch(/<code>threadId<\/code><\/th>\s*<td><code>string<\/code><\/td>\s*<td><span class="required">required<\/span><\/td>/);
  });

  it("lists the errors a method can answer: its own, the experimental gate and every request's", () => {
    const add = page("methods/thread/queue/add.html");
    for (const message of ["ephemeral thread does not support queued turns: &#x3C;threadId>", "thread/queue/add requires experimentalApi capability", "Not initialized", "Server overloaded; retry later."]) {
      expect(add).toContain(message);
    }
    expect(page("methods/thread/start.html")).not.toContain("requires experimentalApi capability");
  });

  it("shows the schema's own example for thread/queue/add and a built one elsewhere", () => {
    const add = page("methods/thread/queue/add.html");
    expect(add).toContain("Summarise the failing tests");
    expect(add).toContain("from the schema's <code>examples</code>");
    const list = page("methods/thread/queue/list.html");
    expect(list).toContain("built from the schema (required fields only)");
    expect(list).toContain('"method": "thread/queue/list"');
  });

  it("links a type back to the methods and types that use it", () => {
    const queuedTurn = page("types/v2/QueuedTurn.html");
    const usedBy = queuedTurn.slice(queuedTurn.indexOf('id="used-by"'), queuedTurn.indexOf('id="schema"'));
    // Directly by types; by methods through their params or result, however deep.
    expect(usedBy).toContain('href="ThreadQueueAddResponse.html"');
    expect(usedBy).toContain('href="ThreadQueueChangedNotification.html"');
    for (const method of ["add", "list", "reorder", "changed"]) expect(usedBy).toContain(`href="../../methods/thread/queue/${method}.html"`);
    expect(usedBy).not.toContain('href="../../methods/thread/queue/delete.html"');
    const turnError = page("types/v2/TurnError.html");
    expect(turnError.slice(turnError.indexOf('id="used-by"'))).toContain('href="../../methods/turn/completed.html"');
  });

  it("shows the variants of a union with their discriminators", () => {
    const status = page("types/v2/QueuedTurnStatus.html");
    expect(status).toContain("One of 2 variants");
    expect(status).toMatch(/<code>(?:PendingQueuedTurnStatus|type: &#x22;pending&#x22;)<\/code>/);
  });

  it("draws both diagrams as inline SVG with their labels, on the diagrams page and their methods' pages", () => {
    const diagrams = page("diagrams.html");
    expect(diagrams.match(/<svg /g)).toHaveLength(2);
    for (const label of ["pending", "dispatching", "failed", "removed", "claim", "turn/started seen", "restart recovery"]) expect(diagrams).toContain(`>${label}`);
    for (const label of ["2. response {queuedTurn} (status pending)", "3. thread/queue/changed (with the row)", "4. thread/queue/changed (empty queue)", "5. turn/started", "6. turn/completed"]) {
      expect(diagrams).toContain(label);
    }
    expect(page("methods/thread/queue/add.html").match(/<svg /g)).toHaveLength(2);
    expect(page("methods/turn/start.html")).not.toContain("<svg");
    expect(diagrams).not.toMatch(/ id="(?:graph|node|edge)\d+"/);
  });

  it("indexes every method and type for search", () => {
    const script = page("assets/search-index.js");
    const entries = JSON.parse(script.slice(script.indexOf("["), script.lastIndexOf("]") + 1)) as string[][];
    expect(entries).toHaveLength(model.methods.length + model.types.length);
    expect(entries).toContainEqual(["thread/queue/add", "client → server request, experimental", "methods/thread/queue/add.html", "Appends a turn to the tail of a thread's queue, to start when the thread is idle."]);
  });
});

describe("hand-built models", () => {
  it("renders Markdown descriptions and drops raw HTML", () => {
    const hostile = modelOf([namedType("v2/Thing", { type: "object", description: 'A **thing** <script>alert(1)</script><img src=x onerror="alert(2)"> with `code`.', properties: { x: { type: "string", description: "<b onclick=evil()>x</b> and [a link](https://example.com)" } } })]);
    const thing = emitDocs(hostile).find((file) => file.path === "docs/types/v2/Thing.html")?.contents ?? "";
    expect(thing).toContain("A <strong>thing</strong>");
    expect(thing).toContain("<code>code</code>");
    expect(thing).toContain('<a href="https://example.com">a link</a>');
    // The schema itself is shown as JSON text (escaped); everywhere else no markup survives.
    const outsideSchema = thing.replace(/<pre[\s\S]*?<\/pre>/g, "");
    expect(outsideSchema).not.toMatch(/<script>|alert\(2\)|<img|onerror|onclick|<b /);
    expect(thing).not.toMatch(/<script>alert|<img /);
  });

  it("gives a method both peers send a page per direction, each linked from the index and the search index", () => {
    const both = [
      method({ method: "ping", kind: "request", direction: "clientToServer", description: "Client asks." }),
      method({ method: "ping", kind: "request", direction: "serverToClient", description: "Server asks." }),
    ];
    const emitted = emitDocs({ ...modelOf([]), methods: both });
    const paths = emitted.map((file) => file.path);
    expect(paths).toContain("docs/methods/ping.client-to-server.html");
    expect(paths).toContain("docs/methods/ping.server-to-client.html");
    expect(paths).not.toContain("docs/methods/ping.html");
    const index = emitted.find((file) => file.path === "docs/index.html")?.contents ?? "";
    expect(index).toContain('href="methods/ping.client-to-server.html"');
    expect(index).toContain('href="methods/ping.server-to-client.html"');
    const search = emitted.find((file) => file.path.endsWith("search-index.js"))?.contents ?? "";
    expect(search).toContain("methods/ping.server-to-client.html");
    expect(brokenLinks(emitted)).toEqual([]);
  });

  it("keeps relative and script links of a description as their text (they point into the author's own site)", () => {
    const linked = modelOf([namedType("v2/Thing", { type: "object", description: "See [meta](/specification/basic/index#meta), [here](#x), [js](javascript:alert(1)) and [the spec](https://example.com/spec)." })]);
    const emitted = emitDocs(linked);
    const thing = emitted.find((file) => file.path === "docs/types/v2/Thing.html")?.contents ?? "";
    expect(thing).toContain("See meta, here, js and ");
    expect(thing).toContain('<a href="https://example.com/spec">the spec</a>');
    expect(thing).not.toMatch(/href="(?:\/specification|#x|javascript:)/);
    expect(brokenLinks(emitted)).toEqual([]);
  });

  it("says why a method has no example when the one built from the schema fails its validator", () => {
    const types = [namedType("v2/Code", { type: "object", properties: { code: { type: "string", pattern: "^[0-9]{4}$" } }, required: ["code"] })];
    const built = { ...modelOf(types), methods: [method({ method: "code/check", params: "v2/Code" })] };
    const checkPage = emitDocs(built).find((file) => file.path === "docs/methods/code/check.html")?.contents ?? "";
    expect(checkPage).toMatch(/No example: the example built from the schema does not pass its validator \(\/code must match pattern/);
  });

  it("says the same, and refuses the same example, when built in its worker thread", async () => {
    const pattern = [namedType("v2/Code", { type: "object", properties: { code: { type: "string", pattern: "^[0-9]{4}$" } }, required: ["code"] })];
    const built = { ...modelOf(pattern), methods: [method({ method: "code/check", params: "v2/Code" })] };
    expect(await emitDocsInWorker.start(built)).toEqual(emitDocs(built));
    closeCompileWorker(built);
    const failing = modelOf([namedType("v2/Thing", { type: "object", properties: { n: { type: "integer", format: "uint32", minimum: 0 } }, examples: [{ n: 1 }, { n: -1 }] })]);
    const thrown = await emitDocsInWorker.start(failing).catch((error: unknown) => error);
    closeCompileWorker(failing);
    expect(thrown).toBeInstanceOf(SchemaInputError);
    expect((thrown as SchemaInputError).errors.map((error) => error.pointer)).toEqual(["/examples/1"]);
  });

  it("refuses a schema example that fails the schema, naming the file and the example's pointer", () => {
    const types = [namedType("v2/Thing", { type: "object", properties: { n: { type: "integer", format: "uint32", minimum: 0 } }, examples: [{ n: 1 }, { n: -1 }] })];
    let thrown: unknown;
    try {
      emitDocs(modelOf(types));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SchemaInputError);
    expect((thrown as SchemaInputError).errors).toEqual([
      { file: "schema/v2/Thing.json", pointer: "/examples/1", message: expect.stringMatching(/^example 1 of type "v2\/Thing" does not match the type's schema: \/n must be >= 0/) as unknown },
    ]);
  });
});

describe("codegen exit 2 for problems only the docs emitter sees", () => {
  it("a failing `examples` entry", async () => {
    const schema = copySchema("bad-example");
    editJson(path.join(schema, "v2/ThreadQueueAddParams.json"), (value) => {
      (value["examples"] as unknown[]).push({ threadId: 7 });
    });
    const { code, stderr } = await runCli(schema);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad-example\/v2\/ThreadQueueAddParams\.json#\/examples\/1: example 1 of type "v2\/ThreadQueueAddParams" does not match/);
    expect(stderr).toContain("nothing was written");
  });

  it("a DOT text Graphviz cannot lay out", async () => {
    const schema = copySchema("bad-dot");
    writeFileSync(path.join(schema, "diagrams/queue-lifecycle.dot"), "digraph { pending -> }\n");
    const { code, stderr } = await runCli(schema);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad-dot\/diagrams\/queue-lifecycle\.dot#: Graphviz cannot lay out diagram "queue-lifecycle": .*syntax error/);
  });

  it("a diagram naming an undeclared method or a missing file", async () => {
    const schema = copySchema("bad-diagrams");
    editJson(path.join(schema, "protocol.json"), (value) => {
      const diagrams = value["diagrams"] as Array<Record<string, unknown>>;
      (diagrams[0] as Record<string, unknown>)["methods"] = ["thread/queue/add", "thread/queue/clear"];
      (diagrams[1] as Record<string, unknown>)["file"] = "diagrams/missing.dot";
    });
    const { code, stderr } = await runCli(schema);
    expect(code).toBe(2);
    expect(stderr).toContain('protocol.json#/diagrams/0/methods/1: diagram "queue-lifecycle" names method "thread/queue/clear", which the registry does not declare');
    expect(stderr).toMatch(/protocol\.json#\/diagrams\/1\/file: diagram file .*bad-diagrams\/diagrams\/missing\.dot does not exist/);
  });
});
