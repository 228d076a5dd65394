/**
 * `--scaffold DIR` on a folder scaffolded before: index.ts is the user's by then (never
 * rewritten), but a method added to the schema since must reach its `handlers` table, or the
 * dispatcher does not compile. This adds, with ts-morph, exactly what is missing — the import
 * of each new stub and its `"method": name` entry in `requests` or `notifications` — and
 * leaves every other byte of the file as the user wrote it.
 *
 * The file is recognised by the shape the scaffold wrote: a variable `handlers` initialised
 * with an object literal holding `requests` and `notifications` object literals. A file of
 * another shape is reported and left alone.
 */
import { IndentationText, Node, Project, QuoteKind, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from "ts-morph";
import type { ScaffoldEntry } from "../emit/server/scaffold.js";

export type IndexCompletion =
  | { readonly kind: "completed"; readonly added: readonly string[] }
  | { readonly kind: "unrecognised"; readonly reason: string };

export async function completeHandlersIndex(file: string, entries: readonly ScaffoldEntry[]): Promise<IndexCompletion> {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    manipulationSettings: { quoteKind: QuoteKind.Double, indentationText: IndentationText.FourSpaces },
  });
  const source = project.addSourceFileAtPath(file);
  const tables = handlerTables(source);
  if (typeof tables === "string") return { kind: "unrecognised", reason: tables };

  const added: string[] = [];
  for (const entry of entries) {
    const table = tables[entry.table];
    if (listedMethods(table).has(entry.method)) continue;
    table.addPropertyAssignment({ name: JSON.stringify(entry.method), initializer: entry.name });
    if (!importsName(source, entry.name)) {
      const lastImport = source.getImportDeclarations().at(-1);
      source.insertImportDeclaration(lastImport === undefined ? 0 : lastImport.getChildIndex() + 1, { moduleSpecifier: `./${entry.stem}.js`, namedImports: [entry.name] });
    }
    added.push(entry.method);
  }
  if (added.length > 0) await source.save();
  return { kind: "completed", added };
}

type Tables = Record<ScaffoldEntry["table"], ObjectLiteralExpression>;

function handlerTables(source: SourceFile): Tables | string {
  const declaration = source.getVariableDeclaration("handlers");
  const value = declaration?.getInitializerIfKind(SyntaxKind.ObjectLiteralExpression);
  if (value === undefined) return "it has no `handlers` variable initialised with an object literal";
  const table = (name: string): ObjectLiteralExpression | undefined => {
    const property = value.getProperty(name);
    return Node.isPropertyAssignment(property) ? property.getInitializerIfKind(SyntaxKind.ObjectLiteralExpression) : undefined;
  };
  const requests = table("requests");
  const notifications = table("notifications");
  if (requests === undefined || notifications === undefined) return "its `handlers` object has no `requests` and `notifications` object literals";
  return { requests, notifications };
}

/** The method names a table lists, whether written as string literals or identifiers. */
function listedMethods(table: ObjectLiteralExpression): Set<string> {
  const methods = new Set<string>();
  for (const property of table.getProperties()) {
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) continue;
    const name = property.getNameNode();
    methods.add(Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText());
  }
  return methods;
}

function importsName(source: SourceFile, name: string): boolean {
  return source.getImportDeclarations().some((declaration) => declaration.getNamedImports().some((specifier) => (specifier.getAliasNode() ?? specifier.getNameNode()).getText() === name));
}
