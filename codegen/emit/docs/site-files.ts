/**
 * The docs site's files for a model, in two steps: everything the examples' checks do not
 * decide (startSite), then the rest once the checks' answers are in (finish). The checks are
 * the caller's, so they can run where the validators are compiled already (the CLI's compile
 * worker) or in-process (emitDocs). Imports no validator code: the CLI runs it in a worker
 * thread of its own (docs-worker.ts).
 */
import { readFileSync } from "node:fs";
import { SchemaInputError, type SchemaError } from "../../errors.js";
import type { GeneratedFile, ProtocolModel } from "../../model/model.js";
import type { CheckProblems, ValueCheck } from "../validators/ajv-compile.js";
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

export interface StartedSite {
  /** The example values to check, each against its type, as the generated validators do. */
  readonly examples: readonly ValueCheck[];
  /** Every file, given the problems of each of `examples` (in order); throws the input errors together. */
  finish(problems: readonly CheckProblems[]): GeneratedFile[];
}

/**
 * Everything the examples' checks do not decide, done; `finish` takes the problems of each
 * of `examples` (in order) and gives every file, or throws the input errors together.
 */
export function startSite(model: ProtocolModel): StartedSite {
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
