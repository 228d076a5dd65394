/** Test helpers for the types emitter: hand-built models, writing output, typechecking it. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import type { GeneratedFile, JsonSchemaObject, NamedType, ProtocolModel } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";

/** A named type as the loader would produce it from `schema/<id>.json`. */
export function namedType(id: string, schema: JsonSchemaObject): NamedType {
  const segments = id.split("/");
  const name = segments[segments.length - 1] ?? id;
  return { id, name, namespace: segments.slice(0, -1), schema, source: { file: `schema/${id}.json`, pointer: "" } };
}

/** A model of `types` (sorted by id, as the model contract requires) and no methods. */
export function modelOf(types: readonly NamedType[], sourceLabel = "schema"): ProtocolModel {
  return { types: [...types].sort((a, b) => compareCodeUnits(a.id, b.id)), methods: [], sourceLabel };
}

/** `{ "$ref": "#/definitions/<id>" }`, the model's normal form. */
export function ref(id: string): JsonSchemaObject {
  return { $ref: `#/definitions/${id}` };
}

/** Writes generated files under `dir`, creating folders as needed; returns their absolute paths. */
export function writeGeneratedFiles(dir: string, files: readonly GeneratedFile[]): string[] {
  return files.map((file) => {
    const path = join(dir, ...file.path.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
    return path;
  });
}

/** The project's strictness (see tsconfig.json), for typechecking generated output on its own. */
export const strictCompilerOptions: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  // No @types packages: generated types must stand on their own.
  types: [],
};

/** Typechecks `rootNames` and returns every diagnostic as `file(line,col): message`. */
export function typecheck(rootNames: readonly string[], options: ts.CompilerOptions = strictCompilerOptions): string[] {
  const program = ts.createProgram({ rootNames, options });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName}(${line + 1},${character + 1}): ${message}`;
  });
}
