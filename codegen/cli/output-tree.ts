import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { isGeneratedContent } from "./generated-marker.js";

/** A file found in the output directory: its path relative to it ("/" separators). */
export interface ExistingFile {
  readonly path: string;
  readonly contents: string;
  readonly generated: boolean;
}

const skippedDirectories: ReadonlySet<string> = new Set([".git", "node_modules"]);

/** The output path exists but is not a directory: the user must pick another --out. */
export class OutputNotADirectoryError extends Error {
  override readonly name = "OutputNotADirectoryError";
}

/** Every file below `directory` (none when it does not exist yet), with its ownership. */
export async function readOutputTree(directory: string): Promise<Map<string, ExistingFile>> {
  let relativePaths: string[];
  try {
    relativePaths = await listFiles(directory, "");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOTDIR") {
      throw new OutputNotADirectoryError(`${directory} is a file, not a directory`);
    }
    throw cause;
  }
  const files = await Promise.all(
    relativePaths.map(async (relative): Promise<ExistingFile> => {
      const contents = await readFile(path.join(directory, ...relative.split("/")), "utf8");
      return { path: relative, contents, generated: isGeneratedContent(contents) };
    }),
  );
  return new Map(files.map((file) => [file.path, file]));
}

async function listFiles(directory: string, prefix: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw cause;
  }
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const relative = prefix + entry.name;
      if (entry.isDirectory()) {
        return skippedDirectories.has(entry.name) ? [] : listFiles(path.join(directory, entry.name), relative + "/");
      }
      return entry.isFile() ? [relative] : [];
    }),
  );
  return nested.flat().sort();
}
