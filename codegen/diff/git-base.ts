/**
 * Materialises a schema path as it was at a git ref into a temporary directory, mirroring the
 * file system around it so that file names in the report read the same on both sides. The
 * repository is the one that holds the schema (not necessarily the working directory's), so
 * `diff --base` works for a schema in any repository. Uses `git ls-tree` and one
 * `git cat-file --batch`, so it works in shallow CI checkouts as long as the ref itself was
 * fetched.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Materialised {
  /** The schema path inside the temporary tree. */
  readonly schemaPath: string;
  /** The working directory inside the temporary tree (labels match the real cwd's). */
  readonly cwd: string;
  cleanup(): Promise<void>;
}

export type MaterialiseResult = { readonly ok: true; readonly value: Materialised } | { readonly ok: false; readonly message: string };

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run("git", [...args], { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
  return stdout;
}

/**
 * The folder git commands about a schema path run in: the schema's own folder (its parent
 * for a file), or the nearest existing folder above it when the path no longer exists.
 */
export function gitFolderOf(schemaPath: string): string {
  let folder = schemaPath;
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  return existsSync(folder) && statSync(folder).isDirectory() ? folder : path.dirname(folder);
}

/** The top folder of the repository holding `folder`, or undefined outside any repository. */
export async function repositoryTop(folder: string): Promise<string | undefined> {
  try {
    return (await git(folder, ["rev-parse", "--show-toplevel"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit a ref names, or undefined when it names none (or cwd is not in a repository). */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

interface Blob {
  readonly object: string;
  readonly file: string;
}

async function listBlobs(cwd: string, commit: string, target: string): Promise<Blob[]> {
  const output = await git(cwd, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", target]);
  return output
    .split("\0")
    .filter((entry) => entry !== "")
    .flatMap((entry) => {
      const tab = entry.indexOf("\t");
      const [mode, type, object] = entry.slice(0, tab).split(" ");
      // Symlinks and submodules are not schema files.
      return type === "blob" && mode !== "120000" && object !== undefined ? [{ object, file: entry.slice(tab + 1) }] : [];
    });
}

/** Reads many blobs through one `git cat-file --batch` process. */
function readBlobs(cwd: string, objects: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`git cat-file failed: ${errors.trim()}`));
        return;
      }
      const output = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      let offset = 0;
      for (const object of objects) {
        const newline = output.indexOf(10, offset);
        const header = output.subarray(offset, newline).toString("utf8").split(" ");
        const size = Number(header[2]);
        if (header[1] !== "blob" || !Number.isInteger(size)) {
          reject(new Error(`git cat-file: unexpected answer for ${object}: ${header.join(" ")}`));
          return;
        }
        blobs.set(object, output.subarray(newline + 1, newline + 1 + size));
        offset = newline + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(objects.map((object) => `${object}\n`).join(""));
  });
}

/**
 * The files of `schemaPath` (relative to `cwd`) at `commit` of the repository `top`, in a
 * temporary folder that mirrors the absolute paths of `top` and `cwd`: paths relative to the
 * returned `cwd` are the ones relative to the real working directory, wherever it is.
 */
export async function materialiseAtRef(
  cwd: string,
  top: string,
  ref: string,
  commit: string,
  schemaPath: string,
): Promise<MaterialiseResult> {
  const target = path.relative(top, path.resolve(cwd, schemaPath)).split(path.sep).join("/");
  if (target.startsWith("..") || path.isAbsolute(target)) {
    return { ok: false, message: `--schema ${schemaPath} is outside the repository, so it has no version at ${ref}; pass --base a directory instead` };
  }
  const blobs = await listBlobs(top, commit, target === "" ? "." : target);
  if (blobs.length === 0) return { ok: false, message: `${target} does not exist at ${ref}` };
  const contents = await readBlobs(top, blobs.map((blob) => blob.object));
  const root = await mkdtemp(path.join(tmpdir(), "codegen-diff-"));
  const mirrored = (absolute: string): string => path.join(root, path.relative(path.parse(absolute).root, absolute));
  try {
    for (const blob of blobs) {
      const destination = path.join(mirrored(top), ...blob.file.split("/"));
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, contents.get(blob.object) ?? Buffer.alloc(0));
    }
  } catch (cause) {
    await rm(root, { recursive: true, force: true });
    throw cause;
  }
  return {
    ok: true,
    value: {
      schemaPath: path.join(mirrored(top), ...target.split("/")),
      cwd: mirrored(path.resolve(cwd)),
      cleanup: () => rm(root, { recursive: true, force: true }),
    },
  };
}
