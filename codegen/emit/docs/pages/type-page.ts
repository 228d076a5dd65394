/** A type's page: description, definition, own examples, where it is used, and its schema. */
import type { ElementContent } from "hast";
import { h } from "hastscript";
import type { NamedType } from "../../../model/model.js";
import { jsonBlock, methodLink } from "../components.js";
import type { ExampleBook } from "../examples.js";
import type { PageSpec } from "../layout.js";
import { markdownBlocks } from "../markdown.js";
import { linkFrom, TYPES_PAGE, typePage } from "../paths.js";
import { definitionOf } from "../payload.js";
import type { SiteContext } from "../site.js";

export function typePageSpec(type: NamedType, site: SiteContext, examples: Pick<ExampleBook, "ownExamples">): PageSpec {
  const page = typePage(type.id);
  const link = site.linkerFor(page);
  const description = type.schema["description"];
  const own = examples.ownExamples(type.id);
  const methodUses = site.methodUses.get(type.id) ?? [];
  const typeUses = site.typeUses.get(type.id) ?? [];
  const usedBy: ElementContent[] =
    methodUses.length === 0 && typeUses.length === 0
      ? [h("p", "Nothing in the protocol refers to this type.")]
      : [
          ...(methodUses.length > 0
            ? [h("h3", "Methods"), h("ul", { className: ["used-by"] }, methodUses.map((use) => h("li", [methodLink(page, use.method, site.model.methods), ` (${use.direct ? "" : "inside its "}${use.role})`])))]
            : []),
          ...(typeUses.length > 0 ? [h("h3", "Types"), h("ul", { className: ["used-by", "inline-list"] }, typeUses.map((id) => h("li", [link(id)])))] : []),
        ];
  const body: ElementContent[] = [
    h("nav", { ariaLabel: "Breadcrumb", className: ["breadcrumb"] }, [
      h("a", { href: linkFrom(page, TYPES_PAGE) }, "Types"),
      ...type.namespace.flatMap((segment) => [" › ", h("span", segment)]),
      " › ",
      h("span", type.name),
    ]),
    h("h1", [h("code", type.name)]),
    h("p", { className: ["type-meta"] }, ["Type id ", h("code", type.id)]),
    ...(typeof description === "string" ? markdownBlocks(description) : []),
    h("section", { ariaLabelledBy: "definition" }, [h("h2", { id: "definition" }, "Definition"), ...definitionOf(type.schema, site, page, "definition", 3)]),
    ...(own.length > 0
      ? [h("section", { ariaLabelledBy: "examples" }, [h("h2", { id: "examples" }, "Examples"), ...own.map((example, index) => jsonBlock(example, `Example ${index + 1}`))])]
      : []),
    h("section", { ariaLabelledBy: "used-by" }, [h("h2", { id: "used-by" }, "Used by"), ...usedBy]),
    h("section", { ariaLabelledBy: "schema" }, [
      h("h2", { id: "schema" }, "JSON Schema"),
      h("details", [h("summary", "Show the schema"), jsonBlock(type.schema, `JSON Schema of ${type.name}`)]),
      h("p", { className: ["source"] }, ["Defined in ", h("code", type.source.pointer === "" ? type.source.file : `${type.source.file}#${type.source.pointer}`), "."]),
    ]),
  ];
  return { path: page, title: type.id, section: "types", body };
}
