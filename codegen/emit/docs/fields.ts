/**
 * Field tables: one row per property of an object schema — name, type (linked), whether it is
 * required and whether it may be null, its constraints and its description. Properties of an
 * inline object (not a named type) are listed under their parent as `parent.child`.
 */
import type { Element, ElementContent } from "hast";
import { h } from "hastscript";
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { markdownBlocks, markdownSummary } from "./markdown.js";
import { admitsNull, constraintTexts, refOf, typeExpression, typeNames, unionMembers, type TypeLinker } from "./schema-describe.js";
import type { SiteContext } from "./site.js";

interface FieldRow {
  readonly path: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

const NESTING_LIMIT = 3;

/** True when the schema lists properties of its own (an object type or an inline object). */
export function hasFields(schema: JsonSchema): schema is JsonSchemaObject {
  return typeof schema === "object" && typeof schema["properties"] === "object" && schema["properties"] !== null;
}

/** The field table of an object schema; `labelledBy` names the heading that describes it. */
export function fieldTable(schema: JsonSchemaObject, site: SiteContext, page: string, labelledBy: string): Element {
  const link = site.linkerFor(page);
  const rows = fieldRows(schema, "", 0);
  return h("div", { className: ["table-scroll"] }, [
    h("table", { className: ["fields"], "aria-labelledby": labelledBy }, [
      h("thead", [h("tr", ["Field", "Type", "Presence", "Constraints", "Description"].map((label) => h("th", { scope: "col" }, label)))]),
      h(
        "tbody",
        rows.map((row) => fieldRowElement(row, site, link)),
      ),
    ]),
  ]);
}

function fieldRows(schema: JsonSchemaObject, prefix: string, depth: number): FieldRow[] {
  const properties = schema["properties"] as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : []);
  const rows: FieldRow[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    rows.push({ path, schema: property, required: required.has(name) });
    if (depth + 1 >= NESTING_LIMIT) continue;
    const nested = inlineObject(property);
    if (nested) rows.push(...fieldRows(nested.schema, `${path}${nested.suffix}.`, depth + 1));
  }
  return rows;
}

/** An inline object inside a property (itself, its array items, or the non-null member of a nullable union). */
function inlineObject(schema: JsonSchema): { schema: JsonSchemaObject; suffix: string } | undefined {
  if (typeof schema !== "object" || refOf(schema) !== undefined) return undefined;
  if (hasFields(schema)) return { schema, suffix: "" };
  const items = schema["items"];
  if (typeNames(schema).includes("array") && typeof items === "object" && !Array.isArray(items) && items !== null && hasFields(items as JsonSchema)) {
    return { schema: items as JsonSchemaObject, suffix: "[]" };
  }
  const members = unionMembers(schema)?.filter((member) => !(typeof member === "object" && typeNames(member).join() === "null"));
  if (members?.length === 1) return inlineObject(members[0] as JsonSchema);
  return undefined;
}

function fieldRowElement(row: FieldRow, site: SiteContext, link: TypeLinker): Element {
  const depth = row.path.split(".").length - 1;
  const nullable = admitsNull(row.schema);
  const presence: ElementContent[] = [h("span", { className: [row.required ? "required" : "optional"] }, row.required ? "required" : "optional")];
  if (nullable) presence.push({ type: "text", value: " " }, h("span", { className: ["nullable"] }, "nullable"));
  const constraints = constraintTexts(row.schema);
  return h("tr", [
    h("th", depth > 0 ? { scope: "row", className: ["nested", `depth-${depth}`] } : { scope: "row" }, [h("code", row.path)]),
    h("td", typeExpression(row.schema, link)),
    h("td", presence),
    h("td", constraints.length === 0 ? [] : [h("ul", { className: ["constraints"] }, constraints.map((text) => h("li", text)))]),
    h("td", describeField(row.schema, site)),
  ]);
}

function describeField(schema: JsonSchema, site: SiteContext): ElementContent[] {
  if (typeof schema === "object" && typeof schema["description"] === "string") return markdownBlocks(schema["description"]);
  // A bare reference says what it is through its type's own summary.
  const ref = refOf(schema) ?? nullableRef(schema);
  const target = ref === undefined ? undefined : site.typesById.get(ref);
  const description = target?.schema["description"];
  return typeof description === "string" ? [h("p", { className: ["inherited"] }, markdownSummary(description))] : [];
}

function nullableRef(schema: JsonSchema): string | undefined {
  if (typeof schema !== "object") return undefined;
  const members = unionMembers(schema)?.filter((member) => !(typeof member === "object" && typeNames(member).join() === "null"));
  return members?.length === 1 ? refOf(members[0] as JsonSchema) : undefined;
}
