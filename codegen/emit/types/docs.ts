/** The TSDoc text a schema contributes: its description, then `@default` and `@deprecated` tags. */
import type { JsonSchema } from "../../model/model.js";

export function docLines(schema: JsonSchema): string[] {
  if (typeof schema !== "object") return [];
  const tags: string[] = [];
  if ("default" in schema) tags.push(`@default ${JSON.stringify(schema.default)}`);
  if (schema.deprecated === true) tags.push("@deprecated");
  const description = typeof schema.description === "string" ? schema.description.trim() : "";
  if (description === "") return tags;
  return tags.length > 0 ? [description, "", ...tags] : [description];
}
