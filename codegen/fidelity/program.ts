/**
 * One in-memory TypeScript program holding both sides, each normalised (./normalise.ts):
 * ours under `/fidelity/ours/`, the reference under `/fidelity/reference/`. Nothing is written
 * to disk; the standard library comes from the installed typescript package.
 */
import ts from "../emit/shared/typescript.js";
import { normaliseSource } from "./normalise.js";
import type { TypeSourceFile } from "./reference.js";

export type Side = "ours" | "reference";

export const sideRoot: Record<Side, string> = { ours: "/fidelity/ours", reference: "/fidelity/reference" };

// ts-rs imports carry no extension and ours end in `.js`: bundler resolution reads both.
const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: [],
};

export interface SidedProgram {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The source file of `relativePath` on a side, if it exists. */
  sourceFile(side: Side, relativePath: string): ts.SourceFile | undefined;
}

export function createSidedProgram(files: Record<Side, readonly TypeSourceFile[]>): SidedProgram {
  const virtual = new Map<string, string>();
  for (const side of ["ours", "reference"] as const) {
    for (const file of files[side]) {
      const fullPath = `${sideRoot[side]}/${file.path}`;
      virtual.set(fullPath, normaliseSource(fullPath, file.contents));
    }
  }
  const directories = new Set<string>();
  for (const fullPath of virtual.keys()) {
    for (let dir = fullPath.slice(0, fullPath.lastIndexOf("/")); dir !== ""; dir = dir.slice(0, dir.lastIndexOf("/"))) directories.add(dir);
  }
  const host = ts.createCompilerHost(options);
  const realGetSourceFile = host.getSourceFile.bind(host);
  const realFileExists = host.fileExists.bind(host);
  const realReadFile = host.readFile.bind(host);
  const realDirectoryExists = host.directoryExists?.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = virtual.get(fileName);
    return text === undefined
      ? realGetSourceFile(fileName, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(fileName, text, languageVersion, false, ts.ScriptKind.TS);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || (!fileName.startsWith("/fidelity/") && realFileExists(fileName));
  host.readFile = (fileName) => virtual.get(fileName) ?? (fileName.startsWith("/fidelity/") ? undefined : realReadFile(fileName));
  host.directoryExists = (dir) => directories.has(dir) || (!dir.startsWith("/fidelity") && (realDirectoryExists?.(dir) ?? true));
  host.writeFile = () => undefined;

  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const checker = program.getTypeChecker();
  return {
    program,
    checker,
    sourceFile: (side, relativePath) => program.getSourceFile(`${sideRoot[side]}/${relativePath}`),
  };
}
