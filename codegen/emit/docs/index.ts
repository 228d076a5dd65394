/**
 * The docs emitter: `docs/**`, a static reference site of the protocol — an index of methods,
 * a page per method and per type, the diagrams, client-side search — in plain HTML, CSS and a
 * little JavaScript that load nothing from the network, from `file://` or any static host.
 * See codegen/emit/docs/README.md.
 */
import { readFileSync } from "node:fs";
import { SchemaInputError, type SchemaError } from "../../errors.js";
import type { DeferredEmitter, Emitter, GeneratedFile, ProtocolModel } from "../../model/model.js";
import { checkValuesInProcess, type CheckProblems, type ValueCheck } from "../validators/compile.js";
import { checkValuesInWorker } from "../validators/compile-in-worker.js";
import { renderDiagrams } from "./diagrams.js";
import { draftExamples } from "./examples.js";
import { renderPage, type PageSpec } from "./layout.js";
import { indexPage } from "./pages/index-page.js";
import { exampleTypes, methodPageSpec } from "./pages/method-page.js";
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
  const site = startSite(model);
  return site.finish(checkValuesInProcess(model, site.examples));
};

/**
 * The same files, with the examples checked by the validators' compile worker (the CLI's):
 * the site is built up to the method pages while the worker compiles, and the examples are
 * checked there by the validators it compiled, instead of compiling the protocol again here.
 */
export const emitDocsCheckedInWorker: DeferredEmitter = {
  name: "emitDocs",
  replaces: emitDocs,
  start: async (model) => {
    const site = startSite(model);
    const problems = checkValuesInWorker(model, site.examples);
    return site.finish(await problems);
  },
};

/**
 * Everything the examples' checks do not decide, done; `finish` takes the problems of each
 * of `examples` (in order) and gives every file, or throws the input errors together.
 */
function startSite(model: ProtocolModel): { examples: readonly ValueCheck[]; finish(problems: readonly CheckProblems[]): GeneratedFile[] } {
  const site = buildSiteContext(model);
  const draft = draftExamples(
    model,
    model.methods.flatMap((method) => Object.values(exampleTypes(method)).filter((id) => id !== undefined)),
  );
  const { rendered, errors: diagramErrors } = renderDiagrams(model.diagrams ?? []);
  const render = (page: PageSpec): GeneratedFile => ({ path: `${DOCS_DIR}/${page.path}`, contents: renderPage(page, site) });
  const overview = [indexPage(site), typesPage(site), searchPage(), ...(rendered.length > 0 ? [diagramsPage(rendered, model.methods)] : [])].map(render);
  const typePages = model.types.map((type) => render(typePageSpec(type, site, draft)));
  return {
    examples: draft.checks,
    finish(problems) {
      const { book, errors: exampleErrors } = draft.complete(problems);
      const errors: SchemaError[] = [...exampleErrors, ...diagramErrors];
      if (errors.length > 0) throw new SchemaInputError(errors);
      const files: GeneratedFile[] = [
        ...overview,
        ...model.methods.map((method) => render(methodPageSpec(method, site, book, rendered))),
        ...typePages,
      ];
      files.push(
        { path: `${DOCS_DIR}/${STYLESHEET}`, contents: `/* ${headerText(headerOf(model, `${ASSET_LABEL}/site.css`)).replace(/\*\//g, "* /")} */\n${stylesheet}` },
        { path: `${DOCS_DIR}/${SEARCH_SCRIPT}`, contents: `${headerLines(headerOf(model, `${ASSET_LABEL}/search.js`)).join("\n")}\n${searchScript}` },
        { path: `${DOCS_DIR}/${SEARCH_INDEX}`, contents: searchIndexScript(model) },
      );
      return files;
    },
  };
}

function readAsset(name: string): string {
  const text = readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8").replace(/\r\n?/g, "\n");
  return text.endsWith("\n") ? text : `${text}\n`;
}
