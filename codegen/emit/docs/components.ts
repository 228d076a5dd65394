/** Small pieces several pages share: badges, JSON blocks, diagram figures, method labels. */
import type { Element, ElementContent } from "hast";
import { h } from "hastscript";
import type { MessageDirection, MethodKind, MethodSpec } from "../../model/model.js";
import type { RenderedDiagram } from "./diagrams.js";
import { markdownBlocks } from "./markdown.js";
import { DIAGRAMS_PAGE, diagramAnchor, linkFrom, methodPage } from "./paths.js";

export function experimentalBadge(): Element {
  return h("span", { className: ["badge", "experimental"], title: "Requires the experimentalApi capability" }, "experimental");
}

export function sinceText(method: MethodSpec): Element {
  return h("span", { className: ["since"] }, `since ${method.since}`);
}

/** "client → server request" in words. */
export function methodRole(method: Pick<MethodSpec, "direction" | "kind">): string {
  return `${directionWords(method.direction)} ${method.kind}`;
}

export function directionWords(direction: MessageDirection): string {
  return direction === "clientToServer" ? "client → server" : "server → client";
}

/** The heading of a group of methods on the index: "Client → server requests". */
export function groupTitle(direction: MessageDirection, kind: MethodKind): string {
  const words = directionWords(direction);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${kind}s`;
}

/** A link to a method's page from `page`, the method name in code. */
export function methodLink(page: string, method: Pick<MethodSpec, "method" | "direction">, methods: readonly MethodSpec[]): Element {
  return h("a", { href: linkFrom(page, methodPage(method, methods)) }, [h("code", method.method)]);
}

/** Pretty-printed JSON (two-space indent, as JSON.stringify prints it). */
export function jsonBlock(value: unknown, label: string): Element {
  return h("pre", { className: ["json"], tabIndex: 0, ariaLabel: label }, [h("code", JSON.stringify(value, null, 2))]);
}

/** A diagram with its title and description; `page` is where it is shown. */
export function diagramFigure(diagram: RenderedDiagram, page: string, headingLevel: "h2" | "h3"): Element {
  const anchor = diagramAnchor(diagram.spec.name);
  const onDiagramsPage = page === DIAGRAMS_PAGE;
  const heading: ElementContent[] = onDiagramsPage ? [{ type: "text", value: diagram.spec.title }] : [h("a", { href: linkFrom(page, DIAGRAMS_PAGE, anchor) }, diagram.spec.title)];
  return h("figure", { className: ["diagram"], ...(onDiagramsPage ? { id: anchor } : {}) }, [
    h(headingLevel, heading),
    h("div", { className: ["diagram-canvas"] }, [structuredClone(diagram.svg)]),
    h("figcaption", markdownBlocks(diagram.spec.description)),
  ]);
}
