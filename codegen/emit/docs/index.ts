/**
 * The docs emitter: `docs/**`, a static reference site of the protocol — an index of methods,
 * a page per method and per type, the diagrams, client-side search — in plain HTML, CSS and a
 * little JavaScript that load nothing from the network, from `file://` or any static host.
 * See codegen/emit/docs/README.md.
 */
import { readFileSync } from "node:fs";
import { SchemaInputError, type SchemaError } from "../../errors.js";
import type { Emitter, GeneratedFile } from "../../model/model.js";
import { renderDiagrams } from "./diagrams.js";
import { buildExampleBook } from "./examples.js";
import { renderPage, type PageSpec } from "./layout.js";
import { indexPage } from "./pages/index-page.js";
import { methodPageSpec } from "./pages/method-page.js";
import { diagramsPage, searchPage } from "./pages/other-pages.js";
import { typePageSpec } from "./pages/type-page.js";
import { typesPage } from "./pages/types-page.js";
import { DOCS_DIR, SEARCH_INDEX, SEARCH_SCRIPT, STYLESHEET } from "./paths.js";
import { searchIndexScript } from "./search-index.js";
import { buildSiteContext } from "./site.js";
import { headerLines, headerOf, headerText } from "../shared/header.js";

/** The hand-written assets, read once: the emitter's own files, not the user's input. */
const ASSET_LABEL = "codegen/emit/docs/assets";
const stylesheet = readAsset("site.css");
const searchScript = readAsset("search.js");

export const emitDocs: Emitter = (model) => {
  const site = buildSiteContext(model);
  const { book, errors: exampleErrors } = buildExampleBook(model);
  const { rendered, errors: diagramErrors } = renderDiagrams(model.diagrams ?? []);
  const errors: SchemaError[] = [...exampleErrors, ...diagramErrors];
  if (errors.length > 0) throw new SchemaInputError(errors);

  const pages: PageSpec[] = [
    indexPage(site),
    typesPage(site),
    searchPage(),
    ...(rendered.length > 0 ? [diagramsPage(rendered, model.methods)] : []),
    ...model.methods.map((method) => methodPageSpec(method, site, book, rendered)),
    ...model.types.map((type) => typePageSpec(type, site, book)),
  ];
  const files: GeneratedFile[] = pages.map((page) => ({ path: `${DOCS_DIR}/${page.path}`, contents: renderPage(page, site) }));
  files.push(
    { path: `${DOCS_DIR}/${STYLESHEET}`, contents: `/* ${headerText(headerOf(model, `${ASSET_LABEL}/site.css`)).replace(/\*\//g, "* /")} */\n${stylesheet}` },
    { path: `${DOCS_DIR}/${SEARCH_SCRIPT}`, contents: `${headerLines(headerOf(model, `${ASSET_LABEL}/search.js`)).join("\n")}\n${searchScript}` },
    { path: `${DOCS_DIR}/${SEARCH_INDEX}`, contents: searchIndexScript(model) },
  );
  return files;
};

function readAsset(name: string): string {
  const text = readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8").replace(/\r\n?/g, "\n");
  return text.endsWith("\n") ? text : `${text}\n`;
}
