/**
 * For tests: writes emitted files into a fresh temporary directory that can be imported,
 * both by vitest and by plain node. The directory gets `"type": "module"` (the generated
 * files are ES modules) and a link to this repository's node_modules, so ajv's runtime
 * helpers and ajv-formats resolve the way they do from generated/ in the repository.
 * Every `.ts` file also gets its JavaScript beside it, as `tsc` would emit it (without type
 * checking), so plain node imports `./validators/standalone.js` the way a client project's
 * compiled tree has it.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GeneratedFile } from "../../model/model.js";
import ts from "../shared/typescript.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface GeneratedTree {
  readonly dir: string;
  remove(): void;
}

export function writeGeneratedTree(files: readonly GeneratedFile[], prefix = "validators-"): GeneratedTree {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
    if (file.path.endsWith(".ts") && !file.path.endsWith(".d.ts")) writeFileSync(target.replace(/\.ts$/, ".js"), javascriptOf(file.contents));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What tsc emits for one module (ES2022, ES modules), without checking types. */
export function javascriptOf(typescript: string): string {
  return ts.transpileModule(typescript, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}
