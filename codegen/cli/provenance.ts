/**
 * What generated headers say about where a file comes from, made independent of the working
 * directory: `--check` run by CI from another folder (with other relative paths, or absolute
 * ones) must produce the very bytes a developer generated.
 *
 * Paths in headers are relative to the **project folder**: the nearest folder, from the output
 * folder upwards, that holds a package.json (the project whose build compiles the generated
 * code), or the folder above the output when there is none. That folder is found from the
 * output's absolute path, so it is the same from any working directory, and the command the
 * header gives is the one to run there: `npx thread-queue-codegen --schema schema --out generated`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { displayPath } from "../load/paths.js";
import type { MethodSpec, NamedType, ProtocolModel, SourceLocation } from "../model/model.js";
import { CODEGEN_COMMAND } from "../emit/shared/header.js";
import { defaultOutDir, defaultSchemaPath } from "./options.js";

/** The flags that shape what is generated, with paths as the user gave them. */
export interface GenerationFlags {
  readonly schema: string;
  readonly out: string;
  readonly registry?: string | undefined;
  readonly defaultedParams: string;
}

/** The project folder of an output folder (both absolute); see the module comment. */
export function projectFolder(outDir: string): string {
  for (let folder = outDir; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, "package.json"))) return folder;
    if (path.dirname(folder) === folder) return path.dirname(outDir);
  }
}

/**
 * The model as headers should name it: every source label (given relative to `cwd`) made
 * relative to `project`, and the command that regenerates the output from there.
 */
export function modelForHeaders(model: ProtocolModel, flags: GenerationFlags, cwd: string): ProtocolModel {
  const project = projectFolder(path.resolve(cwd, flags.out));
  const rebase = (label: string): string => displayPath(path.resolve(cwd, label), project);
  const located = <T extends { readonly source: SourceLocation }>(item: T): T => ({ ...item, source: { ...item.source, file: rebase(item.source.file) } });
  return {
    ...model,
    sourceLabel: rebase(model.sourceLabel),
    types: model.types.map((type): NamedType => located(type)),
    methods: model.methods.map((method): MethodSpec => located(method)),
    regenerateCommand: codegenCommand(flags, (given) => displayPath(path.resolve(cwd, given), project), false),
  };
}

/**
 * `npx thread-queue-codegen` with the flags that reproduce an output, each path passed through
 * `relative`. With `omitDefaults` the flags whose value is the default are left out (for a
 * message read in the user's own working directory); headers always name both paths.
 */
export function codegenCommand(flags: GenerationFlags, relative: (given: string) => string, omitDefaults: boolean): string {
  const words = [CODEGEN_COMMAND];
  if (!omitDefaults || flags.schema !== defaultSchemaPath) words.push("--schema", shellWord(relative(flags.schema)));
  if (!omitDefaults || flags.out !== defaultOutDir) words.push("--out", shellWord(relative(flags.out)));
  if (flags.registry !== undefined) words.push("--registry", shellWord(relative(flags.registry)));
  if (flags.defaultedParams !== "required") words.push("--defaulted-params", flags.defaultedParams);
  return words.join(" ");
}

/** A path as one POSIX shell word: as it is when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
