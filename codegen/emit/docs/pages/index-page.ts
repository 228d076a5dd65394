/** The index: every method, grouped by direction and kind, with its summary, badge and since. */
import type { Element } from "hast";
import { h } from "hastscript";
import type { MessageDirection, MethodKind } from "../../../model/model.js";
import { experimentalBadge, groupTitle, methodLink } from "../components.js";
import type { PageSpec } from "../layout.js";
import { markdownSummary } from "../markdown.js";
import { DIAGRAMS_PAGE, INDEX_PAGE, TYPES_PAGE } from "../paths.js";
import type { SiteContext } from "../site.js";

const GROUPS: ReadonlyArray<readonly [MessageDirection, MethodKind]> = [
  ["clientToServer", "request"],
  ["clientToServer", "notification"],
  ["serverToClient", "request"],
  ["serverToClient", "notification"],
];

export function indexPage(site: SiteContext): PageSpec {
  const { model } = site;
  const groups: Element[] = [];
  for (const [direction, kind] of GROUPS) {
    const methods = model.methods.filter((method) => method.direction === direction && method.kind === kind);
    if (methods.length === 0) continue;
    const id = `${direction}-${kind}s`;
    groups.push(
      h("section", { ariaLabelledBy: id }, [
        h("h2", { id }, [groupTitle(direction, kind), h("span", { className: ["count"] }, ` (${methods.length})`)]),
        h("div", { className: ["table-scroll"] }, [
          h("table", { className: ["methods"], ariaLabelledBy: id }, [
            h("thead", [h("tr", [h("th", { scope: "col" }, "Method"), h("th", { scope: "col" }, "Since"), h("th", { scope: "col" }, "Description")])]),
            h(
              "tbody",
              methods.map((method) =>
                h("tr", [
                  h("th", { scope: "row" }, [methodLink(INDEX_PAGE, method, model.methods), ...(method.experimental ? [" ", experimentalBadge()] : [])]),
                  h("td", { className: ["since"] }, method.since),
                  h("td", markdownSummary(method.description)),
                ]),
              ),
            ),
          ]),
        ]),
      ]),
    );
  }
  const diagramCount = model.diagrams?.length ?? 0;
  return {
    path: INDEX_PAGE,
    title: site.title,
    section: "methods",
    body: [
      h("h1", site.title),
      h("p", { className: ["lead"] }, [
        `${model.methods.length} methods and `,
        h("a", { href: TYPES_PAGE }, `${model.types.length} types`),
        ...(diagramCount > 0 ? [", with ", h("a", { href: DIAGRAMS_PAGE }, `${diagramCount} diagram${diagramCount === 1 ? "" : "s"}`)] : []),
        ". Messages are JSON-RPC 2.0 objects; an ",
        experimentalBadge(),
        " method needs the ",
        h("code", "experimentalApi"),
        " capability.",
      ]),
      ...groups,
    ],
  };
}
