/**
 * The search index, built at codegen time: one entry per method and per type with its name,
 * what it is, its page and its one-sentence summary. It is a script (not JSON) so that pages
 * opened from `file://`, where fetch() is refused, can load it with a <script> element.
 */
import type { ProtocolModel } from "../../model/model.js";
import { headerLines, headerOf } from "../shared/header.js";
import { methodRole } from "./components.js";
import { plainSummary } from "./markdown.js";
import { methodPage, typePage } from "./paths.js";

/** [name, what it is, page path from the site root, summary]; methods first, then types, each in model order. */
export type SearchEntry = readonly [name: string, kind: string, page: string, summary: string];

export function searchEntries(model: ProtocolModel): SearchEntry[] {
  return [
    ...model.methods.map((method): SearchEntry => [method.method, `${methodRole(method)}${method.experimental ? ", experimental" : ""}`, methodPage(method, model.methods), plainSummary(method.description)]),
    ...model.types.map((type): SearchEntry => [type.id, "type", typePage(type.id), typeof type.schema["description"] === "string" ? plainSummary(type.schema["description"]) : ""]),
  ];
}

export function searchIndexScript(model: ProtocolModel): string {
  // JSON is a JavaScript expression; U+2028/2029 are escaped anyway for older parsers. One
  // entry per line keeps --check diffs readable.
  const lines = searchEntries(model).map((entry) => JSON.stringify(entry).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"));
  return `${headerLines(headerOf(model)).join("\n")}\nself.protocolSearchIndex = [\n${lines.join(",\n")}\n];\n`;
}
