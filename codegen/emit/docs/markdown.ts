/**
 * Descriptions are Markdown (CommonMark): parsed by mdast-util-from-markdown and turned into
 * HTML trees by mdast-util-to-hast, which drops raw HTML — a description can format text and
 * link, never inject markup or script into the site. Only absolute links (http, https, mailto)
 * stay links: a relative one (`/specification/…#meta` in MCP's descriptions) points into the
 * author's own site, which this one is not, so it is kept as its text.
 */
import type { ElementContent, Element } from "hast";
import type { Nodes as MdastNodes, PhrasingContent, Root as MdastRoot } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toHast } from "mdast-util-to-hast";

/**
 * A description as block content (paragraphs, lists, code). The same text gives the same
 * (shared) nodes: a type's description is shown on many pages, and parsing is most of the
 * site's cost at upstream scale. Callers never change the nodes (layout.ts builds new trees).
 */
export function markdownBlocks(text: string): ElementContent[] {
  return memo(blocksByText, text, () => (text.trim() === "" ? [] : hastChildren(parsed(text))));
}

/** A description's first sentence as inline content, for one-line summaries (shared like markdownBlocks's). */
export function markdownSummary(text: string): ElementContent[] {
  return memo(summaryByText, text, () => summaryOf(text));
}

const blocksByText = new Map<string, readonly ElementContent[]>();
const summaryByText = new Map<string, readonly ElementContent[]>();
const treeByText = new Map<string, MdastRoot>();

/**
 * The Markdown tree of a text, parsed once: blocks, summary and plain summary all start from it.
 * Nothing changes a parsed tree (summaries build new nodes around its children).
 */
function parsed(text: string): MdastRoot {
  let tree = treeByText.get(text);
  if (tree === undefined) {
    tree = fromMarkdown(text);
    treeByText.set(text, tree);
  }
  return tree;
}

/** A new array of the shared nodes: the caller may add to the array, never change a node. */
function memo(cache: Map<string, readonly ElementContent[]>, text: string, parse: () => ElementContent[]): ElementContent[] {
  let nodes = cache.get(text);
  if (nodes === undefined) {
    nodes = parse();
    cache.set(text, nodes);
  }
  return [...nodes];
}

function summaryOf(text: string): ElementContent[] {
  const tree = parsed(text);
  const first = tree.children.find((node) => node.type === "paragraph");
  if (first === undefined || first.type !== "paragraph") return [];
  const paragraph: MdastRoot = { type: "root", children: [{ type: "paragraph", children: firstSentence(first.children) }] };
  const rendered = hastChildren(paragraph);
  const element = rendered.find((node): node is Element => node.type === "element" && node.tagName === "p");
  return element ? element.children : [];
}

/** Plain text of a description's first sentence (for the search index and `title`s). */
export function plainSummary(text: string): string {
  const tree = parsed(text);
  const first = tree.children.find((node) => node.type === "paragraph");
  if (first === undefined || first.type !== "paragraph") return "";
  return firstSentence(first.children).map(plainText).join("").replace(/\s+/g, " ").trim();
}

function plainText(node: PhrasingContent): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value;
  if ("children" in node) return (node.children as PhrasingContent[]).map(plainText).join("");
  return "";
}

// A sentence ends at ". " (or "! ", "? ") in plain text, not after "e.g."/"i.e." and not
// inside code spans; what follows it is dropped.
const SENTENCE_END = /(?<!\b(?:e\.g|i\.e|etc|vs))[.!?](?=\s)/;

function firstSentence(children: readonly PhrasingContent[]): PhrasingContent[] {
  const kept: PhrasingContent[] = [];
  for (const child of children) {
    if (child.type === "text") {
      const match = SENTENCE_END.exec(child.value);
      if (match) {
        kept.push({ type: "text", value: child.value.slice(0, match.index + 1) });
        return kept;
      }
    }
    kept.push(child);
  }
  return kept;
}

const ABSOLUTE_LINK = /^(?:https?:\/\/|mailto:)/i;

/** The tree with every link that is not absolute replaced by its text (in place). */
function unlinkRelative(node: MdastNodes): void {
  if (!("children" in node)) return;
  const children = node.children as MdastNodes[];
  for (let index = 0; index < children.length; index++) {
    const child = children[index] as MdastNodes;
    if ((child.type === "link" || child.type === "linkReference") && !(child.type === "link" && ABSOLUTE_LINK.test(child.url))) {
      children.splice(index, 1, ...(child.children as MdastNodes[]));
      index--;
      continue;
    }
    unlinkRelative(child);
  }
}

function hastChildren(tree: MdastRoot): ElementContent[] {
  unlinkRelative(tree);
  const hast = toHast(tree);
  if (hast.type === "root") return hast.children.filter((node): node is ElementContent => node.type !== "doctype");
  return hast.type === "doctype" ? [] : [hast as ElementContent];
}
