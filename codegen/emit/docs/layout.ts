/**
 * The frame every page shares — header with the site title and search, navigation, main
 * content, footer. Pages are hast trees built with hastscript and serialised by
 * hast-util-to-html; no page text is ever concatenated into markup (the frame is serialised
 * once per folder and section, and a page joins it with its own serialised title and main
 * element, see frameFor).
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { posix } from "node:path";
import { h } from "hastscript";
import { toHtml } from "hast-util-to-html";
import { headerOf, headerText } from "../shared/header.js";
import { DIAGRAMS_PAGE, INDEX_PAGE, linkFrom, rootFrom, SEARCH_PAGE, SEARCH_SCRIPT, STYLESHEET, TYPES_PAGE } from "./paths.js";
import type { SiteContext } from "./site.js";

export interface PageSpec {
  /** The page's path inside the site, e.g. "methods/thread/queue/add.html". */
  readonly path: string;
  /** The page's own title; the site's title is appended in `<title>`. */
  readonly title: string;
  /** Which navigation entry is current, if any. */
  readonly section?: "methods" | "types" | "diagrams" | "search";
  readonly body: ElementContent[];
}

/** The page as HTML text, header comment on its second line (after the doctype). */
export function renderPage(page: PageSpec, site: SiteContext): string {
  const frame = frameFor(page, site);
  const title = h("title", page.title === site.title ? site.title : `${page.title} — ${site.title}`);
  const main = h("main", { id: "main", tabIndex: -1 }, page.body);
  return `${frame.beforeTitle}${toHtml(title)}${frame.beforeMain}${toHtml(breakLines(main))}${frame.afterMain}\n`;
}

/**
 * The frame's HTML around the page's title and main element. It depends only on the page's
 * folder (its relative links) and section, so it is serialised once per pair (at upstream
 * scale it is half of what every page would otherwise serialise): the whole tree is
 * serialised by hast-util-to-html with a comment in each slot, and split there. The title and
 * main element are serialised by the same library; the page is the three pieces joined.
 */
interface Frame {
  readonly beforeTitle: string;
  readonly beforeMain: string;
  readonly afterMain: string;
}

const TITLE_SLOT = "codegen-slot:title";
const MAIN_SLOT = "codegen-slot:main";
const framesBySite = new WeakMap<SiteContext, Map<string, Frame>>();

function frameFor(page: PageSpec, site: SiteContext): Frame {
  let frames = framesBySite.get(site);
  if (frames === undefined) {
    frames = new Map();
    framesBySite.set(site, frames);
  }
  const key = `${posix.dirname(page.path)}\n${page.section ?? ""}`;
  let frame = frames.get(key);
  if (frame === undefined) {
    const html = toHtml(breakLines(frameTree(page, site)));
    const [beforeTitle, rest] = splitOnce(html, `<!--${TITLE_SLOT}-->`);
    const [beforeMain, afterMain] = splitOnce(rest, `<!--${MAIN_SLOT}-->`);
    frame = { beforeTitle, beforeMain, afterMain };
    frames.set(key, frame);
  }
  return frame;
}

function splitOnce(html: string, slot: string): [string, string] {
  const parts = html.split(slot);
  if (parts.length !== 2) throw new Error(`the page frame has ${parts.length - 1} ${slot} slots instead of one`);
  return parts as [string, string];
}

function frameTree(page: PageSpec, site: SiteContext): Root {
  const link = (to: string): string => linkFrom(page.path, to);
  const navEntry = (section: NonNullable<PageSpec["section"]>, to: string, label: string): ElementContent =>
    h("li", [h("a", { href: link(to), ...(page.section === section ? { ariaCurrent: "page" } : {}) }, label)]);
  return {
    type: "root",
    children: [
      { type: "doctype" },
      { type: "comment", value: ` ${commentSafe(headerText(headerOf(site.model)))} ` },
      h("html", { lang: "en", dataRoot: rootFrom(page.path) }, [
        h("head", [
          h("meta", { charSet: "utf-8" }),
          h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
          h("meta", { name: "generator", content: "thread-queue-toolkit codegen" }),
          { type: "comment", value: TITLE_SLOT },
          // An empty inline icon: otherwise browsers ask the server for /favicon.ico (a 404 on most hosts).
          h("link", { rel: "icon", href: "data:," }),
          h("link", { rel: "stylesheet", href: link(STYLESHEET) }),
          h("script", { src: link(SEARCH_SCRIPT), defer: true }),
        ]),
        h("body", [
          h("a", { className: ["skip-link"], href: "#main" }, "Skip to content"),
          h("header", { className: ["site-header"] }, [
            h("a", { className: ["site-title"], href: link(INDEX_PAGE) }, site.title),
            h("form", { role: "search", className: ["site-search"], action: link(SEARCH_PAGE), method: "get" }, [
              h("label", { htmlFor: "search-input" }, "Search"),
              h("input", {
                id: "search-input",
                name: "q",
                type: "search",
                autoComplete: "off",
                spellCheck: false,
                placeholder: "methods and types",
                ariaControls: "search-results",
                ariaDescribedBy: "search-help",
              }),
              h("span", { id: "search-help", className: ["visually-hidden"] }, "Results appear below as you type; Tab or the down arrow moves into them, Enter opens the full results page."),
              h("p", { id: "search-status", className: ["search-status"], role: "status", ariaLive: "polite" }),
              h("ul", { id: "search-results", className: ["search-results"], hidden: true }),
            ]),
            h("nav", { ariaLabel: "Site" }, [
              h("ul", [
                navEntry("methods", INDEX_PAGE, "Methods"),
                navEntry("types", TYPES_PAGE, "Types"),
                ...(site.model.diagrams && site.model.diagrams.length > 0 ? [navEntry("diagrams", DIAGRAMS_PAGE, "Diagrams")] : []),
              ]),
            ]),
          ]),
          { type: "comment", value: MAIN_SLOT },
          h("footer", { className: ["site-footer"] }, [
            h("p", [
              "Generated by codegen from ",
              h("code", site.model.sourceLabel),
              " — regenerate with ",
              h("code", "npm run codegen"),
              ".",
            ]),
          ]),
        ]),
      ]),
    ],
  };
}

// "--" cannot appear inside an HTML comment; a schema path could contain it.
function commentSafe(text: string): string {
  return text.replace(/--/g, "- -").replace(/>/g, "›");
}

/**
 * Containers whose children are all blocks (or table parts): a line break between two
 * children changes nothing on screen. Inline content (paragraphs, cells, code) is untouched.
 */
const BLOCK_CONTAINERS: ReadonlySet<string> = new Set([
  "html", "head", "body", "header", "main", "footer", "nav", "section", "div", "table", "thead", "tbody", "tr", "ul", "ol", "figure", "details",
]);

/**
 * A line break before every child of a block container, so pages read (and `--check` diffs
 * show) one block per line. hast-util-format does this with indentation too, but costs a
 * third of the emitter's time at upstream scale. Returns a new tree and leaves the given one
 * as it is: pages share subtrees (a description's parsed Markdown, see markdown.ts).
 */
function breakLines<T extends Root | Element>(node: T): T {
  const breaks = node.type === "root" || BLOCK_CONTAINERS.has((node as Element).tagName);
  const result: RootContent[] = [];
  (node.children as RootContent[]).forEach((child, index) => {
    if (breaks && (index > 0 || node.type === "element")) result.push({ type: "text", value: "\n" });
    result.push(child.type === "element" && child.tagName !== "pre" && child.tagName !== "svg" ? breakLines(child) : child);
  });
  if (breaks && node.children.length > 0 && node.type === "element") result.push({ type: "text", value: "\n" });
  return { ...node, children: result };
}
