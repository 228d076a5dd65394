/**
 * Reads a ts-rs output folder (one `export type <Name> = …` per `<Name>.ts`, a folder per
 * namespace, `index.ts` re-exports) into the type sources the fidelity check compares.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { compareCodeUnits } from "../emit/shared/order.js";

export interface TypeSourceFile {
  /** Path relative to the folder, "/" separators: `v2/Thread.ts`. */
  readonly path: string;
  readonly contents: string;
}

/** Every `.ts` file below `directory`, sorted by path; index files included (they are harmless). */
export async function readTypeScriptTree(directory: string): Promise<TypeSourceFile[]> {
  const files: TypeSourceFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(directory, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        files.push({ path: child, contents: await readFile(path.join(directory, child), "utf8") });
      }
    }
  };
  await walk("");
  return files.sort((a, b) => compareCodeUnits(a.path, b.path));
}
