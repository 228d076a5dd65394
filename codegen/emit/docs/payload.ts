/**
 * How a method page (or a type page) shows one named type in full: its link and summary, then
 * its fields, its variants or its definition. An alias (a type that is only a reference to
 * another) is followed to the type it names.
 */
import type { Element, ElementContent } from "hast";
import { h } from "hastscript";
import type { JsonSchema, NamedType, TypeId } from "../../model/model.js";
import { fieldTable, hasFields } from "./fields.js";
import { markdownBlocks, markdownSummary } from "./markdown.js";
import { constraintTexts, refOf, typeExpression, unionMembers } from "./schema-describe.js";
import type { SiteContext } from "./site.js";

/** Follows plain references (`{"$ref"}` with annotations) to the type that defines the shape. */
export function resolveAlias(site: SiteContext, id: TypeId): NamedType | undefined {
  const seen = new Set<TypeId>();
  let current = site.typesById.get(id);
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    const next = refOf(current.schema);
    if (next === undefined) return current;
    current = site.typesById.get(next);
  }
  return current;
}

/** The shape of a schema: a field table, the variants of a union, enum values, or its expression. */
export function definitionOf(schema: JsonSchema, site: SiteContext, page: string, idPrefix: string, headingLevel: 3 | 4): ElementContent[] {
  const link = site.linkerFor(page);
  if (hasFields(schema)) {
    const headingId = `${idPrefix}-fields`;
    return [h(`h${headingLevel}`, { id: headingId, className: ["visually-hidden"] }, "Fields"), fieldTable(schema, site, page, headingId), ...openness(schema)];
  }
  const members = typeof schema === "object" ? unionMembers(schema) : undefined;
  if (members !== undefined && typeof schema === "object") {
    return [
      h("p", `One of ${members.length} variant${members.length === 1 ? "" : "s"}:`),
      h(
        "ol",
        { className: ["variants"] },
        members.map((member, index) => variant(member, index, site, page, `${idPrefix}-variant-${index}`, headingLevel)),
      ),
    ];
  }
  const constraints = constraintTexts(schema);
  return [
    h("p", ["Type: ", ...typeExpression(schema, link)]),
    ...(constraints.length > 0 ? [h("ul", { className: ["constraints"] }, constraints.map((text) => h("li", text)))] : []),
  ];
}

function variant(member: JsonSchema, index: number, site: SiteContext, page: string, id: string, headingLevel: 3 | 4): Element {
  const link = site.linkerFor(page);
  const ref = refOf(member);
  const label: ElementContent[] = ref !== undefined ? [link(ref)] : variantLabel(member, index);
  const description = typeof member === "object" && typeof member["description"] === "string" ? markdownBlocks(member["description"]) : [];
  const body: ElementContent[] = ref !== undefined ? [] : hasFields(member) ? definitionOf(member, site, page, id, headingLevel) : [h("p", ["Type: ", ...typeExpression(member, link)])];
  const level = Math.min(headingLevel + 1, 6);
  return h("li", [h(`h${level}`, { id }, label), ...description, ...body]);
}

/** A variant's name: its title, else its discriminator (`type: "failed"`), else its position. */
function variantLabel(member: JsonSchema, index: number): ElementContent[] {
  if (typeof member !== "object") return [{ type: "text", value: `Variant ${index + 1}` }];
  if (typeof member["title"] === "string") return [h("code", member["title"])];
  const properties = member["properties"];
  if (typeof properties === "object" && properties !== null) {
    for (const [name, property] of Object.entries(properties as Record<string, JsonSchema>)) {
      if (typeof property !== "object") continue;
      const values = property["enum"];
      const value = Array.isArray(values) && values.length === 1 ? values[0] : property["const"];
      if (typeof value === "string") return [h("code", `${name}: ${JSON.stringify(value)}`)];
    }
  }
  return typeof member["type"] === "string" ? [h("code", member["type"])] : [{ type: "text", value: `Variant ${index + 1}` }];
}

function openness(schema: JsonSchema): ElementContent[] {
  if (typeof schema !== "object") return [];
  if (schema["additionalProperties"] === false) return [h("p", { className: ["note"] }, "No other fields are allowed.")];
  return [];
}

/** "Type: <link>" and the type's summary, for a method's params or result. */
export function typeReference(site: SiteContext, page: string, id: TypeId): ElementContent[] {
  const type = site.typesById.get(id);
  const description = type?.schema["description"];
  return [
    h("p", { className: ["type-ref"] }, ["Type: ", site.linkerFor(page)(id)]),
    ...(typeof description === "string" ? [h("p", { className: ["summary"] }, markdownSummary(description))] : []),
  ];
}
