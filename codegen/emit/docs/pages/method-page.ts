/**
 * A method's page: what it does, its params and result as field tables, the errors it can
 * answer, an example exchange (validated at codegen time) and the diagrams it appears in.
 */
import type { Element, ElementContent } from "hast";
import { h } from "hastscript";
import type { MethodError, MethodSpec, ProtocolModel, TypeId } from "../../../model/model.js";
import { diagramFigure, experimentalBadge, jsonBlock, methodRole } from "../components.js";
import type { RenderedDiagram } from "../diagrams.js";
import type { Example, ExampleBook } from "../examples.js";
import type { PageSpec } from "../layout.js";
import { markdownBlocks } from "../markdown.js";
import { INDEX_PAGE, linkFrom, methodPage } from "../paths.js";
import { definitionOf, resolveAlias, typeReference } from "../payload.js";
import type { SiteContext } from "../site.js";

export function methodPageSpec(method: MethodSpec, site: SiteContext, examples: ExampleBook, diagrams: readonly RenderedDiagram[]): PageSpec {
  const page = methodPage(method, site.model.methods);
  const shown = diagrams.filter((diagram) => diagram.spec.methods.includes(method.method));
  const body: ElementContent[] = [
    h("nav", { ariaLabel: "Breadcrumb", className: ["breadcrumb"] }, [h("a", { href: linkFrom(page, INDEX_PAGE) }, "Methods"), " › ", h("span", method.method)]),
    h("h1", [h("code", method.method)]),
    h("p", { className: ["method-meta"] }, [
      h("span", { className: ["badge", "kind"] }, methodRole(method)),
      ...(method.experimental ? [" ", experimentalBadge()] : []),
      " ",
      h("span", { className: ["badge", "since"] }, `since ${method.since}`),
    ]),
    ...markdownBlocks(method.description),
    payloadSection("Params", "params", method.params, method.kind === "notification" ? "This notification carries no params." : "This request takes no params.", site, page),
    ...(method.kind === "request"
      ? [payloadSection("Result", "result", method.result, "The registry does not declare a result type.", site, page), errorsSection(method, site.model)]
      : []),
    exampleSection(method, examples),
    ...(shown.length > 0 ? [h("section", { ariaLabelledBy: "diagrams" }, [h("h2", { id: "diagrams" }, "Diagrams"), ...shown.map((diagram) => diagramFigure(diagram, page, "h3"))])] : []),
    h("p", { className: ["source"] }, ["Declared in ", h("code", `${method.source.file}#${method.source.pointer}`), "."]),
  ];
  return { path: page, title: method.method, section: "methods", body };
}

function payloadSection(title: string, id: string, typeId: TypeId | null, none: string, site: SiteContext, page: string): Element {
  if (typeId === null) return h("section", { ariaLabelledBy: id }, [h("h2", { id }, title), h("p", none)]);
  const shape = resolveAlias(site, typeId);
  return h("section", { ariaLabelledBy: id }, [
    h("h2", { id }, title),
    ...typeReference(site, page, typeId),
    ...(shape !== undefined && shape.id !== typeId ? [h("p", { className: ["note"] }, ["An alias of ", site.linkerFor(page)(shape.id), "."])] : []),
    ...(shape !== undefined ? definitionOf(shape.schema, site, page, id, 3) : []),
  ]);
}

function errorsSection(method: MethodSpec, model: ProtocolModel): Element {
  const rows = [...(method.errors ?? []), ...gatingErrors(method), ...(model.requestErrors ?? DEFAULT_REQUEST_ERRORS)];
  return h("section", { ariaLabelledBy: "errors" }, [
    h("h2", { id: "errors" }, "Errors"),
    h("p", ["Error answers ", h("code", "{id, error: {code, message, data?}}"), " this request can get; ", h("code", "<…>"), " marks a part of the message that varies."]),
    h("div", { className: ["table-scroll"] }, [
      h("table", { className: ["errors"], ariaLabelledBy: "errors" }, [
        h("thead", [h("tr", [h("th", { scope: "col" }, "Code"), h("th", { scope: "col" }, "Message"), h("th", { scope: "col" }, "When")])]),
        h(
          "tbody",
          rows.map((row) => h("tr", [h("td", { className: ["code"] }, [h("code", String(row.code))]), h("td", [h("code", row.message.replace(/<method>/g, method.method))]), h("td", markdownBlocks(row.when))])),
        ),
      ]),
    ]),
  ]);
}

/** The `experimental` flag means the method is refused without the experimentalApi capability. */
function gatingErrors(method: MethodSpec): MethodError[] {
  if (!method.experimental) return [];
  return [{ code: -32600, message: `${method.method} requires experimentalApi capability`, when: "The connection's `initialize` did not set `capabilities.experimentalApi: true`." }];
}

/** What every request can get from a server built on the generated dispatcher, when the registry lists nothing. */
const DEFAULT_REQUEST_ERRORS: readonly MethodError[] = [
  { code: -32602, message: "Invalid params for <method>: <problem>", when: "The params do not match the params schema; `error.data.errors` lists each problem with its JSON pointer." },
  { code: -32603, message: "Internal error", when: "The handler failed unexpectedly." },
];

/** The types whose example a method's page shows: its params, and a request's result. */
export function exampleTypes(method: MethodSpec): { readonly params: TypeId | undefined; readonly result: TypeId | undefined } {
  return { params: method.params ?? undefined, result: method.kind === "request" && method.result !== null ? method.result : undefined };
}

function exampleSection(method: MethodSpec, examples: ExampleBook): Element {
  const shown = exampleTypes(method);
  const params = shown.params === undefined ? undefined : examples.exampleOf(shown.params);
  const result = shown.result === undefined ? undefined : examples.exampleOf(shown.result);
  const blocks: ElementContent[] = [];
  const unavailable = [params, result].filter((example): example is Extract<Example, { kind: "none" }> => example?.kind === "none");
  if (unavailable.length === 0) {
    const paramsMember = params !== undefined && params.kind !== "none" ? { params: params.value } : {};
    const message = method.kind === "request" ? { id: 1, method: method.method, ...paramsMember } : { method: method.method, ...paramsMember };
    const label = method.kind === "request" ? "Request" : "Notification";
    blocks.push(h("h3", label), jsonBlock(message, `Example ${label.toLowerCase()}`));
    if (result !== undefined && result.kind !== "none") blocks.push(h("h3", "Response"), jsonBlock({ id: 1, result: result.value }, "Example response"));
    blocks.push(h("p", { className: ["note"] }, exampleProvenance([params, result])));
  } else {
    blocks.push(...unavailable.map((example) => h("p", { className: ["note"] }, `No example: ${example.reason}.`)));
  }
  return h("section", { ariaLabelledBy: "example" }, [h("h2", { id: "example" }, "Example"), ...blocks]);
}

function exampleProvenance(examples: ReadonlyArray<Example | undefined>): Array<ElementContent | string> {
  const kinds = new Set(examples.filter((example) => example !== undefined).map((example) => example.kind));
  const own: Array<ElementContent | string> = ["from the schema's ", h("code", "examples")];
  const from: Array<ElementContent | string> = kinds.has("schema") && kinds.has("built") ? [...own, " and built from the schema"] : kinds.has("schema") ? own : ["built from the schema (required fields only)"];
  return ["Example ", ...from, "; checked by the generated validators when the site was generated."];
}
