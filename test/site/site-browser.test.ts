/// <reference lib="dom" />
/**
 * The generated reference site in a real browser (Debian's Chromium via playwright-core):
 * every page loads without console errors or failed requests, every internal link resolves,
 * search finds the queue methods by mouse and by keyboard, axe-core finds no serious or
 * critical accessibility violation, the diagrams render with readable labels, and the
 * README's screenshots are taken. One browser for the whole file.
 *
 * Skipped with a message where Chromium is not installed — except in CI (CI=true, as .ci/run
 * runs), where a missing Chromium fails.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitDocs } from "../../codegen/emit/docs/index.js";
import { loadProtocol } from "../../codegen/load/index.js";
import { chromiumMissing, launchChromium, mustRunBrowserTests, type Browser } from "./chromium.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const missing = chromiumMissing();
const QUEUE_METHODS = ["thread/queue/add", "thread/queue/changed", "thread/queue/delete", "thread/queue/list", "thread/queue/reorder"];
/** Where the README's screenshots go when asked (UPDATE_SCREENSHOTS=1); otherwise a scratch folder. */
const SCREENSHOT_DIR = process.env["UPDATE_SCREENSHOTS"] === "1" ? path.join(repoRoot, "docs/images") : undefined;

if (missing !== undefined && mustRunBrowserTests()) {
  describe("docs site in Chromium", () => {
    it("needs Chromium in CI", () => {
      throw new Error(`CI must run the browser tests, but ${missing}; .ci/run installs it with apt-get`);
    });
  });
} else if (missing !== undefined) {
  describe.skip(`docs site in Chromium (skipped: ${missing})`, () => {
    it("runs only where Chromium is installed", () => undefined);
  });
} else {
  describe("docs site in Chromium", () => {
    let browser: Browser;
    let siteDir: string;
    let scratch: string;
    const fileUrl = (page: string): string => pathToFileURL(path.join(siteDir, page)).href;

    beforeAll(async () => {
      const loaded = await loadProtocol("schema", { cwd: repoRoot });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      scratch = mkdtempSync(path.join(tmpdir(), "docs-site-"));
      for (const file of emitDocs(loaded.model)) {
        const target = path.join(scratch, file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.contents);
      }
      siteDir = path.join(scratch, "docs");
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    /** A fresh tab that records console errors, page errors and failed requests. */
    async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("requestfailed", (request) => problems.push(`failed request: ${request.url()} (${request.failure()?.errorText ?? "?"})`));
      page.on("response", (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      return { page, problems };
    }

    it("loads every page reachable from the index with no console error and no failed request, and every link resolves", async () => {
      const { page, problems } = await watchedPage();
      const start = fileUrl("index.html");
      const queue = [start];
      const visited = new Set<string>();
      const missingAnchors: string[] = [];
      const searchedDepths = new Set<number>();
      while (queue.length > 0) {
        const url = queue.shift() as string;
        if (visited.has(url)) continue;
        visited.add(url);
        const before = problems.length;
        await page.goto(url, { waitUntil: "load" });
        // The search index is loaded on first use: load it on a page of each depth, so its relative path is checked from each.
        const depth = path.relative(siteDir, fileURLToPath(url)).split(path.sep).length;
        if (!searchedDepths.has(depth)) {
          searchedDepths.add(depth);
          await page.focus("#search-input");
          await page.waitForFunction(() => Array.isArray((self as unknown as { protocolSearchIndex?: unknown[] }).protocolSearchIndex));
        }
        expect(problems.slice(before), url).toEqual([]);
        const links = await page.$$eval("a[href]", (anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
        for (const link of links) {
          if (!link.startsWith("file://")) continue;
          const [target = "", fragment] = link.split("#");
          expect(existsSync(fileURLToPath(target)), `${url} links to ${link}`).toBe(true);
          if (fragment && !readFileSync(fileURLToPath(target), "utf8").includes(`id="${fragment}"`)) missingAnchors.push(`${url} → ${link}`);
          if (!visited.has(target)) queue.push(target);
        }
      }
      expect(missingAnchors).toEqual([]);
      const pageCount = readdirHtml(siteDir).length;
      // Every page is reachable by links (search.html through the search form, which the search test follows).
      expect(visited.size).toBe(pageCount - 1);
      await page.close();
    }, 300_000);

    it("lists the five thread/queue methods when searching for queue, and a result opens the method page", async () => {
      const { page, problems } = await watchedPage();
      await page.goto(fileUrl("index.html"));
      await page.fill("#search-input", "queue");
      await page.waitForSelector("#search-results:not([hidden]) li a");
      const names = await page.$$eval("#search-results .result-name", (spans) => spans.map((span) => span.textContent));
      expect(names.slice(0, 5).sort()).toEqual(QUEUE_METHODS);
      expect(await page.textContent("#search-status")).toMatch(/^\d+ results for “queue”\.$/);
      await page.click('#search-results a:has-text("thread/queue/add")');
      await page.waitForURL(/\/methods\/thread\/queue\/add\.html$/);
      expect(await page.textContent("h1")).toBe("thread/queue/add");
      // Enter opens the full results page, which lists them too.
      await page.fill("#search-input", "queue");
      await page.press("#search-input", "Enter");
      await page.waitForURL(/\/search\.html\?q=queue$/);
      await page.waitForSelector("#search-page-results li");
      const all = await page.$$eval("#search-page-results .result-name", (spans) => spans.map((span) => span.textContent));
      expect(all).toEqual(expect.arrayContaining(QUEUE_METHODS));
      expect(problems).toEqual([]);
      await page.close();
    });

    it("reaches search and its results with the keyboard alone", async () => {
      const { page, problems } = await watchedPage();
      await page.goto(fileUrl("index.html"));
      const focused = (): Promise<string> => page.evaluate(() => {
        const element = document.activeElement;
        return element === null ? "" : element.id || element.textContent?.trim() || element.tagName;
      });
      const path: string[] = [];
      for (let step = 0; step < 5 && (await focused()) !== "search-input"; step += 1) {
        await page.keyboard.press("Tab");
        path.push(await focused());
      }
      expect(path).toEqual(["Skip to content", expect.any(String) as unknown, "search-input"]);
      await page.keyboard.type("queue");
      await page.waitForSelector("#search-results:not([hidden]) li a");
      await page.keyboard.press("ArrowDown");
      const first = await page.evaluate(() => document.activeElement?.querySelector(".result-name")?.textContent);
      expect(QUEUE_METHODS).toContain(first);
      await page.keyboard.press("Tab"); // Tab walks the results too
      const second = await page.evaluate(() => document.activeElement?.querySelector(".result-name")?.textContent);
      expect(QUEUE_METHODS).toContain(second);
      expect(second).not.toBe(first);
      await page.keyboard.press("Enter");
      await page.waitForURL(new RegExp(`/methods/${String(second)}\\.html$`));
      expect(await page.textContent("h1")).toBe(second);
      expect(problems).toEqual([]);
      await page.close();
    });

    it("has no serious or critical axe-core violations on the index, a method page and a type page", async () => {
      const { page } = await watchedPage();
      for (const target of ["index.html", "methods/thread/queue/add.html", "types/v2/QueuedTurn.html", "diagrams.html"]) {
        await page.goto(fileUrl(target));
        await page.addScriptTag({ content: axe.source });
        const violations = await page.evaluate(async () => {
          const results = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] });
          return results.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")) }));
        });
        expect(violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical"), target).toEqual([]);
      }
      await page.close();
    });

    it("renders the diagrams with a size and readable labels", async () => {
      const { page, problems } = await watchedPage();
      await page.goto(fileUrl("diagrams.html"));
      const diagrams = await page.$$eval("svg.diagram", (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const labels = Array.from(svg.querySelectorAll("text")).map((text) => {
            const rect = text.getBoundingClientRect();
            const inside = rect.left >= box.left - 1 && rect.right <= box.right + 1 && rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1;
            return { text: text.textContent ?? "", height: rect.height, inside };
          });
          return { label: svg.getAttribute("aria-label"), width: box.width, height: box.height, labels };
        }),
      );
      expect(diagrams.map((diagram) => diagram.label)).toEqual(["Lifecycle of a queued turn", "Messages of an add on an idle thread"]);
      for (const diagram of diagrams) {
        expect(diagram.width).toBeGreaterThan(200);
        expect(diagram.height).toBeGreaterThan(150);
        for (const label of diagram.labels) {
          expect(label.inside, `${diagram.label}: "${label.text}" lies inside the picture`).toBe(true);
          expect(label.height, `${diagram.label}: "${label.text}" is tall enough to read`).toBeGreaterThanOrEqual(10);
        }
      }
      const texts = (index: number): string[] => (diagrams[index]?.labels ?? []).map((label) => label.text);
      expect(texts(0)).toEqual(expect.arrayContaining(["pending", "dispatching", "failed", "removed", "claim", "turn/started seen", "delete", "reorder"]));
      const messages = texts(1).filter((text) => /^\d\. /.test(text));
      expect(messages).toEqual([
        "1. thread/queue/add",
        "2. response {queuedTurn} (status pending)",
        "3. thread/queue/changed (with the row)",
        "4. thread/queue/changed (empty queue)",
        "5. turn/started",
        "6. turn/completed",
      ]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it("works from a static web server too", async () => {
      const server = await serveStatic(siteDir);
      try {
        const { page, problems } = await watchedPage();
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        await page.goto(`${base}/methods/thread/queue/add.html`);
        await page.fill("#search-input", "queue");
        await page.waitForSelector("#search-results:not([hidden]) li a");
        await page.click('#search-results a:has-text("thread/queue/list")');
        await page.waitForURL(`${base}/methods/thread/queue/list.html`);
        expect(problems).toEqual([]);
        await page.close();
      } finally {
        // Chromium keeps its keep-alive sockets open; close() alone would wait for them.
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }, 180_000);

    it("takes the README's screenshots of the index and of thread/queue/add", async () => {
      const { page } = await watchedPage();
      const directory = SCREENSHOT_DIR ?? path.join(scratch, "screenshots");
      mkdirSync(directory, { recursive: true });
      await page.goto(fileUrl("index.html"));
      await page.screenshot({ path: path.join(directory, "docs-site-index.png") });
      await page.goto(fileUrl("methods/thread/queue/add.html"));
      await page.setViewportSize({ width: 1280, height: 1600 });
      await page.screenshot({ path: path.join(directory, "docs-site-thread-queue-add.png") });
      for (const name of ["docs-site-index.png", "docs-site-thread-queue-add.png"]) {
        const png = readFileSync(path.join(directory, name));
        expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
        expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
      }
      await page.close();
    });
  });
}

function readdirHtml(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".html"));
}

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/** A minimal static file server on loopback, as any static host would serve the folder. */
async function serveStatic(directory: string): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const file = path.join(directory, pathname.endsWith("/") ? `${pathname}index.html` : pathname);
    if (!file.startsWith(directory) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
