/**
 * The TSDoc text a schema contributes: its description, the descriptions of its `oneOf`/
 * `anyOf`/`allOf` branches (a union member or intersection part has no comment of its own
 * that editors show, so they are listed on the declaration that holds them), then `@default`
 * and `@deprecated` tags.
 */
import type { JsonSchema, JsonSchemaObject } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";
import type { RefResolver } from "./schema-to-type.js";
import { isPlainObject, referencedAlone, schemaList } from "./schema-shape.js";

export function docLines(schema: JsonSchema, resolve: RefResolver): string[] {
  if (typeof schema !== "object") return [];
  const tags: string[] = [];
  if ("default" in schema) tags.push(`@default ${JSON.stringify(schema.default)}`);
  if (schema.deprecated === true) tags.push("@deprecated");
  const blocks = [descriptionOf(schema), branchList(schema, resolve, "").join("\n"), tags.join("\n")];
  return blocks.filter((block) => block !== "").flatMap((block, index) => (index === 0 ? [block] : ["", block]));
}

function descriptionOf(schema: JsonSchemaObject): string {
  return typeof schema.description === "string" ? schema.description.trim() : "";
}

/**
 * `- \`label\`: description` for each described branch, nested branches indented below
 * their parent; [] when no branch says anything.
 */
function branchList(schema: JsonSchemaObject, resolve: RefResolver, indent: string): string[] {
  const groups: [string, JsonSchema[]][] = [
    ["Variants:", [...schemaList(schema.oneOf), ...schemaList(schema.anyOf)]],
    ["Combines:", schemaList(schema.allOf)],
  ];
  const lines: string[] = [];
  for (const [heading, branches] of groups) {
    const items = branches.flatMap((branch, index) => {
      if (typeof branch !== "object") return [];
      const nested = branchList(branch, resolve, `${indent}  `);
      const description = descriptionOf(branch);
      if (description === "" && nested.length === 0) return [];
      const [first = "", ...rest] = description.replace(/\r\n?/g, "\n").split("\n");
      const head = `${indent}- \`${branchLabel(branch, index, resolve)}\`${first === "" ? "" : `: ${first}`}`;
      return [head, ...rest.map((line) => (line === "" ? "" : `${indent}  ${line}`)), ...nested];
    });
    if (items.length > 0) lines.push(...(indent === "" ? [heading] : []), ...items);
  }
  return lines;
}

/**
 * How a reader recognises a branch: the type it refers to, the literal it is, its tag
 * (`type: "image"`), its only key (`{ granular }`, an externally tagged variant), its title,
 * its keys, or else its position.
 */
function branchLabel(branch: JsonSchemaObject, index: number, resolve: RefResolver): string {
  const referenced = referencedAlone(branch);
  if (referenced !== undefined) return resolve(referenced);
  const literal = singleValue(branch);
  if (literal !== undefined) return JSON.stringify(literal.value);
  const properties = isPlainObject(branch.properties) ? branch.properties : {};
  const keys = Object.keys(properties).sort(compareCodeUnits);
  for (const key of keys) {
    const property = properties[key];
    const tag = isPlainObject(property) ? singleValue(property) : undefined;
    if (tag !== undefined && typeof tag.value === "string") return `${key}: ${JSON.stringify(tag.value)}`;
  }
  if (keys.length === 1) return `{ ${keys[0]} }`;
  if (typeof branch.title === "string" && branch.title !== "") return branch.title;
  if (keys.length > 0) return `{ ${keys.join(", ")} }`;
  return `variant ${index + 1}`;
}

function singleValue(schema: JsonSchemaObject): { value: unknown } | undefined {
  if ("const" in schema) return { value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return { value: schema.enum[0] };
  return undefined;
}
