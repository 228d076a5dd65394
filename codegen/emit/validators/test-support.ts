/**
 * For tests: writes emitted files into a fresh temporary directory that can be imported,
 * both by vitest and by plain node. The directory gets `"type": "module"` (the generated
 * files are ES modules) and a link to this repository's node_modules, so ajv's runtime
 * helpers and ajv-formats resolve the way they do from generated/ in the repository.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GeneratedFile } from "../../model/model.js";

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
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
