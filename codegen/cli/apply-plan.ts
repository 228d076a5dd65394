import { mkdirSync, writeFileSync } from "node:fs";
import { readdir, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import type { OutputPlan } from "./output-plan.js";

/**
 * Writes new and changed files and deletes stale generated ones. Unchanged files are not
 * touched (their mtimes stay, so watchers and incremental builds stay quiet). Folders left
 * empty by a deletion are removed, up to but not including the output directory.
 */
export async function applyPlan(outDir: string, plan: OutputPlan): Promise<void> {
  const toWrite = [...plan.create, ...plan.update.map((entry) => entry.file)];
  // Synchronous: hundreds of small files (700 for the upstream protocol) cost three event-loop
  // round trips each through the promise API (open, write, close), most of a run's idle time.
  const made = new Set<string>();
  for (const file of toWrite) {
    const target = path.join(outDir, ...file.path.split("/"));
    const folder = path.dirname(target);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(target, file.contents, "utf8");
  }
  for (const stale of plan.remove) {
    const target = path.join(outDir, ...stale.path.split("/"));
    await unlink(target);
    await removeEmptyParents(path.dirname(target), outDir);
  }
}

async function removeEmptyParents(directory: string, stopAt: string): Promise<void> {
  let current = directory;
  while (current !== stopAt && current.startsWith(stopAt + path.sep)) {
    if ((await readdir(current)).length > 0) return;
    await rmdir(current);
    current = path.dirname(current);
  }
}
