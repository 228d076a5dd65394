/** The diagrams page and the full search results page. */
import { h } from "hastscript";
import type { MethodSpec } from "../../../model/model.js";
import { diagramFigure, methodLink } from "../components.js";
import type { RenderedDiagram } from "../diagrams.js";
import type { PageSpec } from "../layout.js";
import { DIAGRAMS_PAGE, INDEX_PAGE, SEARCH_PAGE } from "../paths.js";

export function diagramsPage(diagrams: readonly RenderedDiagram[], methods: readonly MethodSpec[]): PageSpec {
  return {
    path: DIAGRAMS_PAGE,
    title: "Diagrams",
    section: "diagrams",
    body: [
      h("h1", "Diagrams"),
      ...diagrams.flatMap((diagram) => [
        diagramFigure(diagram, DIAGRAMS_PAGE, "h2"),
        ...(diagram.spec.methods.length > 0
          ? [h("p", { className: ["diagram-methods"] }, ["Shown on: ", ...diagram.spec.methods.flatMap((name) => methodsNamed(name, methods)).flatMap((spec, index) => [...(index > 0 ? [", "] : []), methodLink(DIAGRAMS_PAGE, spec, methods)])])]
          : []),
      ]),
    ],
  };
}

/** The declared method(s) a diagram names: one per direction it is sent in (the loader checked the name). */
function methodsNamed(name: string, methods: readonly MethodSpec[]): MethodSpec[] {
  return methods.filter((method) => method.method === name);
}

/** Filled in by assets/search.js from `?q=`; without JavaScript it says where to browse instead. */
export function searchPage(): PageSpec {
  return {
    path: SEARCH_PAGE,
    title: "Search",
    section: "search",
    body: [
      h("h1", "Search"),
      h("p", { id: "search-page-status", role: "status" }, ["Type in the search box above. Without JavaScript, browse the ", h("a", { href: INDEX_PAGE }, "methods"), " instead."]),
      h("ul", { id: "search-page-results", className: ["search-page-results"] }),
    ],
  };
}
