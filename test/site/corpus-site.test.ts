/**
 * The docs emitter at upstream scale: the whole Codex app-server bundle (667 types, every
 * method of its unions) and both MCP schemas give sites whose every relative link resolves, of
 * reasonable size. Prints page count, total bytes and the emitter's time (not asserted:
 * timings belong to `npm run bench`; the bounds below only catch a runaway output). Not
 * committed anywhere.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emitDocs } from "../../codegen/emit/docs/index.js";
import { brokenLinks } from "../../codegen/emit/docs/link-check.js";
import { compileValidators } from "../../codegen/emit/validators/compile.js";
import { loadProtocol } from "../../codegen/load/index.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const corpus = path.join(repoRoot, "..", "shared", "corpus");

const protocols = [
  { label: "upstream Codex", bundle: path.join(corpus, "codex-app-server-protocol", "codex_app_server_protocol.schemas.json"), minMethods: 100 },
  { label: "MCP 2025-06-18", bundle: path.join(corpus, "mcp", "mcp-2025-06-18.json"), minMethods: 28 },
  { label: "MCP 2025-11-25", bundle: path.join(corpus, "mcp", "mcp-2025-11-25.json"), minMethods: 39 },
];

for (const { label, bundle, minMethods } of protocols) {
  const present = existsSync(bundle);
  describe.skipIf(!present)(`docs site of ${label}${present ? "" : ` (skipped: ${bundle} is absent)`}`, () => {
    it("has a page per method and per type, resolvable links and a reasonable size", async () => {
      const loaded = await loadProtocol(bundle, { cwd: repoRoot });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 3)));
      const model = loaded.model;
      // In a codegen run the validators emitter has compiled the protocol before the docs
      // emitter runs; do the same here so the time below is the docs emitter's own.
      const compileStart = performance.now();
      compileValidators(model);
      const compileMs = performance.now() - compileStart;
      const start = performance.now();
      const files = emitDocs(model);
      const emitMs = performance.now() - start;

      const pages = files.filter((file) => file.path.endsWith(".html"));
      const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0);
      const largest = [...files].sort((a, b) => b.contents.length - a.contents.length)[0];
      console.log(
        `${label} docs site: ${model.methods.length} methods, ${model.types.length} types → ${pages.length} pages, ${files.length} files, ` +
          `${(bytes / 1024 / 1024).toFixed(1)} MiB (largest ${largest?.path} ${((largest?.contents.length ?? 0) / 1024).toFixed(0)} KiB); ` +
          `docs emitter ${(emitMs / 1000).toFixed(1)} s (validators compiled first in ${(compileMs / 1000).toFixed(1)} s)`,
      );

      expect(model.methods.length).toBeGreaterThanOrEqual(minMethods);
      const diagramsPage = (model.diagrams?.length ?? 0) > 0 ? 1 : 0;
      expect(pages.length).toBe(model.methods.length + model.types.length + 3 + diagramsPage); // + index, types, search
      expect(brokenLinks(files)).toEqual([]);
      expect(bytes).toBeLessThan(64 * 1024 * 1024);
      for (const page of pages) expect(page.contents.length, page.path).toBeLessThan(2 * 1024 * 1024);
      const noExample = pages.filter((page) => page.path.startsWith("docs/methods/") && page.contents.includes("No example:"));
      expect(noExample.map((page) => page.path)).toEqual([]);
    }, 240_000);
  });
}
