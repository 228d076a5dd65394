/**
 * Printing for the protocol, server and client emitters. Their files mix factory-built
 * statements with fixed code parsed from templates in the emitters; a parsed statement must be
 * printed against its own source file (the printer reads its text and comments from there),
 * which the shared printer, built for factory nodes only, does not do.
 */
import ts from "../shared/typescript.js";
import { headerLines, type HeaderOptions } from "../shared/header.js";

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });
const context = ts.createSourceFile("generated.ts", "", ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);

/**
 * Parses fixed TypeScript written in an emitter (never text from a schema), so that the
 * model-independent parts of a file stay readable and are still printed like the rest.
 */
export function parseStatements(fileName: string, text: string): ts.Statement[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  // A template that does not parse is a bug in the emitter, not in the user's schema.
  const diagnostics = syntaxChecker().getSyntacticDiagnostics(file);
  const first = diagnostics[0];
  if (first !== undefined) {
    throw new Error(`template ${fileName} does not parse: ${ts.flattenDiagnosticMessageText(first.messageText, "\n")}`);
  }
  return [...file.statements];
}

let checker: ts.Program | undefined;
// An empty program only to ask for a file's syntax errors through the public API.
function syntaxChecker(): ts.Program {
  checker ??= ts.createProgram({ rootNames: [], options: { noLib: true } });
  return checker;
}

function sourceOf(statement: ts.Statement): ts.SourceFile {
  return statement.parent !== undefined && ts.isSourceFile(statement.parent) ? statement.parent : context;
}

/** Imports, and re-exports from another module, are listed without blank lines between them. */
function linkKind(statement: ts.Statement): string | undefined {
  if (ts.isImportDeclaration(statement)) return "import";
  if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) return "export";
  return undefined;
}

/**
 * A whole generated file: the header (source and command), then the statements separated by blank
 * lines (runs of imports or re-exports stay together), ending with a single "\n".
 */
export function printModule(header: HeaderOptions, statements: readonly ts.Statement[]): string {
  return printWithHeader(headerLines(header), statements);
}

/** {@link printModule} with other header lines (scaffolded files are not "do not edit"). */
export function printWithHeader(header: readonly string[], statements: readonly ts.Statement[]): string {
  const parts: string[] = [header.join("\n")];
  let previous: string | undefined;
  for (const statement of statements) {
    const kind = linkKind(statement);
    parts.push(kind !== undefined && kind === previous ? "\n" : "\n\n");
    parts.push(printer.printNode(ts.EmitHint.Unspecified, statement, sourceOf(statement)));
    previous = kind;
  }
  parts.push("\n");
  return parts.join("");
}

/** Splits parsed statements into imports and the rest, so generated imports can follow a template's. */
export function splitImports(statements: readonly ts.Statement[]): [ts.Statement[], ts.Statement[]] {
  return [statements.filter(ts.isImportDeclaration), statements.filter((statement) => !ts.isImportDeclaration(statement))];
}
