/**
 * Where each page of the site lives and how one page links to another. Every link is relative
 * and names its `.html` file, so the site works from `file://` and from any static host,
 * under any path prefix.
 */
import { posix } from "node:path";
import type { MessageDirection, MethodSpec, TypeId } from "../../model/model.js";

/** The folder of the site inside the output directory. */
export const DOCS_DIR = "docs";

export const INDEX_PAGE = "index.html";
export const TYPES_PAGE = "types.html";
export const DIAGRAMS_PAGE = "diagrams.html";
export const SEARCH_PAGE = "search.html";
export const STYLESHEET = "assets/site.css";
export const SEARCH_SCRIPT = "assets/search.js";
export const SEARCH_INDEX = "assets/search-index.js";

/**
 * `thread/queue/add` → `methods/thread/queue/add.html` (method names are `/`-separated
 * identifiers). A method both peers send (MCP's `ping`) has a page per direction:
 * `methods/ping.client-to-server.html` and `methods/ping.server-to-client.html`.
 */
export function methodPage(method: Pick<MethodSpec, "method" | "direction">, methods: readonly MethodSpec[]): string {
  const base = `methods/${method.method.split("/").map(safeSegment).join("/")}`;
  const twoWay = methods.some((other) => other.method === method.method && other.direction !== method.direction);
  return twoWay ? `${base}.${directionSlug(method.direction)}.html` : `${base}.html`;
}

function directionSlug(direction: MessageDirection): string {
  return direction === "clientToServer" ? "client-to-server" : "server-to-client";
}

/** `v2/QueuedTurn` → `types/v2/QueuedTurn.html`. */
export function typePage(id: TypeId): string {
  return `types/${id.split("/").map(safeSegment).join("/")}.html`;
}

/** The anchor of a diagram on the diagrams page. */
export function diagramAnchor(name: string): string {
  return `diagram-${name}`;
}

/** The href from one page (a site path) to another site path, plus an optional fragment. */
export function linkFrom(fromPage: string, toPage: string, fragment?: string): string {
  const relative = posix.relative(posix.dirname(fromPage), toPage);
  return fragment === undefined ? relative : `${relative}#${fragment}`;
}

/** The relative path from a page to the site's root folder ("." at the top). */
export function rootFrom(fromPage: string): string {
  return posix.relative(posix.dirname(fromPage), ".") || ".";
}

// Registry and loader checks keep names to identifier characters; anything else is
// percent-encoded rather than trusted to be a safe path segment.
function safeSegment(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : encodeURIComponent(segment).replace(/%/g, "_");
}
