/** Every type, grouped by namespace, with its summary. */
import { h } from "hastscript";
import type { PageSpec } from "../layout.js";
import { markdownSummary } from "../markdown.js";
import { TYPES_PAGE } from "../paths.js";
import type { SiteContext } from "../site.js";

export function typesPage(site: SiteContext): PageSpec {
  const namespaces = new Map<string, typeof site.model.types[number][]>();
  for (const type of site.model.types) {
    const key = type.namespace.join("/");
    const list = namespaces.get(key) ?? [];
    list.push(type);
    namespaces.set(key, list);
  }
  const link = site.linkerFor(TYPES_PAGE);
  const sections = [...namespaces.keys()].sort().map((namespace) => {
    const id = `namespace-${namespace === "" ? "root" : namespace.replace(/\//g, "-")}`;
    const types = namespaces.get(namespace) ?? [];
    return h("section", { ariaLabelledBy: id }, [
      h("h2", { id }, [namespace === "" ? "Root namespace" : ["Namespace ", h("code", namespace)], h("span", { className: ["count"] }, ` (${types.length})`)].flat()),
      h("div", { className: ["table-scroll"] }, [
        h("table", { className: ["types"], ariaLabelledBy: id }, [
          h("thead", [h("tr", [h("th", { scope: "col" }, "Type"), h("th", { scope: "col" }, "Description")])]),
          h(
            "tbody",
            types.map((type) =>
              h("tr", [
                h("th", { scope: "row" }, [link(type.id)]),
                h("td", typeof type.schema["description"] === "string" ? markdownSummary(type.schema["description"]) : []),
              ]),
            ),
          ),
        ]),
      ]),
    ]);
  });
  return { path: TYPES_PAGE, title: "Types", section: "types", body: [h("h1", "Types"), ...sections] };
}
