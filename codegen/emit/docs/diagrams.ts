/**
 * Diagrams: the registry's DOT texts laid out by Graphviz (compiled to WebAssembly,
 * @hpcc-js/wasm-graphviz) at codegen time and inlined into the pages as SVG. The same DOT text
 * and Graphviz version give the same SVG bytes; nothing is drawn in the browser, nothing is
 * fetched. The WebAssembly module (800 KB of JavaScript to load, then instantiate) can only be
 * loaded asynchronously and emitters are synchronous, so `loadGraphviz` must have finished
 * before a model with diagrams is rendered: docs/index.ts awaits it when it is imported, the
 * docs worker only for a model that has diagrams (most protocols have none).
 */
import type { Graphviz } from "@hpcc-js/wasm-graphviz";
import type { Element, ElementContent, Nodes, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import type { DiagramSpec } from "../../model/model.js";
import type { SchemaError } from "../../errors.js";

let graphviz: Graphviz | undefined;

/** Loads and instantiates Graphviz once. */
export async function loadGraphviz(): Promise<void> {
  graphviz ??= await (await import("@hpcc-js/wasm-graphviz")).Graphviz.load();
}

/** A diagram ready for a page: its SVG tree. */
export interface RenderedDiagram {
  readonly spec: DiagramSpec;
  readonly svg: Element;
}

/** Renders every diagram, or returns the DOT problems as schema errors naming the file. */
export function renderDiagrams(diagrams: readonly DiagramSpec[]): { rendered: RenderedDiagram[]; errors: SchemaError[] } {
  const rendered: RenderedDiagram[] = [];
  const errors: SchemaError[] = [];
  if (diagrams.length === 0) return { rendered, errors };
  const layout = graphviz;
  if (layout === undefined) throw new Error("Graphviz is not loaded: await loadGraphviz() before rendering diagrams");
  for (const spec of diagrams) {
    let svgText: string;
    try {
      svgText = layout.dot(spec.dot, "svg");
    } catch (cause) {
      const reason = (cause instanceof Error ? cause.message : String(cause)).trim().replace(/\s+/g, " ");
      errors.push({ file: spec.source.file, pointer: spec.source.pointer, message: `Graphviz cannot lay out diagram "${spec.name}": ${reason}; fix the DOT text` });
      continue;
    }
    const svg = toSvgElement(svgText, spec);
    if (svg === undefined) {
      errors.push({ file: spec.source.file, pointer: spec.source.pointer, message: `Graphviz produced no SVG for diagram "${spec.name}"; check the DOT text` });
      continue;
    }
    rendered.push({ spec, svg });
  }
  return { rendered, errors };
}

function toSvgElement(svgText: string, spec: DiagramSpec): Element | undefined {
  const start = svgText.indexOf("<svg");
  if (start === -1) return undefined;
  const tree = fromHtml(svgText.slice(start), { fragment: true, space: "svg" });
  const svg = tree.children.find((node): node is Element => node.type === "element" && node.tagName === "svg");
  if (svg === undefined) return undefined;
  cleanUp(svg);
  svg.properties = { ...svg.properties, role: "img", ariaLabel: spec.title, className: ["diagram"] };
  return svg;
}

// Graphviz writes a <title> per node and edge (ids such as "c1" or "pending->dispatching"),
// element ids that would clash between two diagrams on one page, and comments naming its
// version: none of them helps a reader; the labels are the <text> elements.
function cleanUp(node: Nodes): void {
  if (!("children" in node)) return;
  const kept: RootContent[] = [];
  for (const child of node.children as RootContent[]) {
    if (child.type === "comment") continue;
    if (child.type === "element" && child.tagName === "title") continue;
    if (child.type === "text" && child.value.trim() === "") continue;
    if (child.type === "element") {
      delete child.properties["id"];
      cleanUp(child);
    }
    kept.push(child);
  }
  (node as { children: ElementContent[] }).children = kept as ElementContent[];
}
