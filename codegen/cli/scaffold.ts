import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { GeneratedFile } from "../model/model.js";

export interface ScaffoldOutcome {
  readonly written: readonly string[];
  readonly kept: readonly string[];
}

/**
 * Starter files belong to the user as soon as they exist, so each is written only when absent
 * (the "wx" flag makes the check and the write one step: nothing is ever overwritten).
 */
export async function writeScaffold(directory: string, files: readonly GeneratedFile[]): Promise<ScaffoldOutcome> {
  const written: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const target = path.join(directory, ...file.path.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await writeFile(target, file.contents, { encoding: "utf8", flag: "wx" });
      written.push(file.path);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause;
      kept.push(file.path);
    }
  }
  return { written, kept };
}
