/**
 * The --check fast path. Codegen is a pure function of (codegen's own sources, the installed
 * dependencies, the node version, the schema files, the command line), so once a run has
 * verified that the output directory matches, the same inputs and the same output bytes are
 * still up to date: --check can prove it by hashing files, without importing typescript and
 * ajv or running any emitter (~2.5 s → well under a second).
 *
 * A record is `{ inputs, outputs }`: a digest of every input and a digest of the whole output
 * tree (every path and every byte that the full check reads), written only after a full run
 * found (or made) the output up to date with inputs that did not change during that run.
 * Anything that differs — a hand edit, an extra or missing file, a schema or emitter change,
 * another dependency — falls back to the full comparison, which prints the exact diff.
 *
 * Records live outside the repository (node_modules/.cache/codegen-check/, one per command
 * line and working directory), so a fresh clone and CI always run the full check once.
 * CODEGEN_CHECK_CACHE=off disables them; CODEGEN_CHECK_CACHE_DIR moves them.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { OutputNotADirectoryError, readOutputTree, type ExistingFile } from "./output-tree.js";

/** Bumped whenever what a record means changes, so older records are ignored. */
const RECORD_FORMAT = "codegen-check-record/1";

/** codegen/ (or the installed package's dist/codegen/) — every file of it can change what is generated. */
const CODEGEN_DIR = path.resolve(import.meta.dirname, "..");
/**
 * The node_modules folder codegen's dependencies are installed in: the repository's, or the
 * project's that installed the codegen package. ajv stands for all of them.
 */
const NODE_MODULES = path.dirname(path.dirname(createRequire(import.meta.url).resolve("ajv/package.json")));
/** npm's record of what is actually installed (every package, every version). */
const INSTALLED_LOCK = path.join(NODE_MODULES, ".package-lock.json");

export interface CheckRecordSettings {
  /** Folder of the records; undefined disables the fast path. */
  readonly directory: string | undefined;
  /** Roots whose files are inputs besides the schema (codegen/ and the installed lock). */
  readonly codegenDir: string;
  readonly installedLock: string;
}

export function checkRecordSettings(env: NodeJS.ProcessEnv = process.env): CheckRecordSettings {
  const disabled = env.CODEGEN_CHECK_CACHE === "off" || env.CODEGEN_CHECK_CACHE === "0";
  return {
    directory: disabled ? undefined : (env.CODEGEN_CHECK_CACHE_DIR ?? path.join(NODE_MODULES, ".cache/codegen-check")),
    codegenDir: CODEGEN_DIR,
    installedLock: INSTALLED_LOCK,
  };
}

/** One --check invocation: what the record is keyed by. */
export interface CheckRequest {
  readonly cwd: string;
  /** As given on the command line (it appears in labels). */
  readonly schema: string;
  readonly out: string;
  /** --registry as given, when there is one. */
  readonly registry?: string;
  /** Flags that change what is generated (e.g. `--defaulted-params optional`), "" for none. */
  readonly generation?: string;
}

interface StoredRecord {
  readonly format: string;
  readonly inputs: string;
  readonly outputs: string;
  readonly fileCount: number;
  readonly sourceLabel: string;
}

export interface UpToDate {
  readonly fileCount: number;
  readonly sourceLabel: string;
}

/**
 * Digest of every input, or undefined when one cannot be read (a missing $ref target, a file
 * that is not JSON): the full run then reports the problem properly.
 */
export async function inputsDigest(request: CheckRequest, settings: CheckRecordSettings): Promise<string | undefined> {
  try {
    return await digestInputs(request, settings);
  } catch {
    return undefined; // An unreadable input (a folder where a file was named, a permission): no proof.
  }
}

async function digestInputs(request: CheckRequest, settings: CheckRecordSettings): Promise<string | undefined> {
  const schemaPath = path.resolve(request.cwd, request.schema);
  const schemaFiles = await schemaInputs(schemaPath);
  if (schemaFiles === undefined) return undefined;
  if (request.registry !== undefined) schemaFiles.push(path.resolve(request.cwd, request.registry));
  let lock: Buffer;
  try {
    lock = await readFile(settings.installedLock);
  } catch {
    return undefined; // Without npm's record of the installed packages nothing proves they did not change.
  }
  const codegenFiles = (await listFiles(settings.codegenDir, isCodegenInput)).map((file) => path.join(settings.codegenDir, file));
  const hash = createHash("sha256");
  const field = (text: string | Buffer) => hash.update(`${Buffer.byteLength(text)}:`).update(text);
  field(RECORD_FORMAT);
  field(process.version);
  field(request.cwd);
  field(request.schema);
  field(request.out);
  field(request.registry ?? "");
  field(request.generation ?? "");
  field(lock);
  for (const [label, files] of [
    ["codegen", codegenFiles],
    ["schema", schemaFiles],
  ] as const) {
    field(`${label}:${files.length}`);
    const contents = await Promise.all(files.map((file) => readFile(file)));
    files.forEach((file, index) => {
      field(file);
      field(contents[index] as Buffer);
    });
  }
  return hash.digest("hex");
}

/** Digest of an output tree exactly as the full check sees it: every path and its contents. */
export function outputsDigest(tree: ReadonlyMap<string, ExistingFile>): string {
  const hash = createHash("sha256");
  for (const file of [...tree.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${Buffer.byteLength(file.path)}:${file.path}${Buffer.byteLength(file.contents)}:`).update(file.contents);
  }
  return hash.digest("hex");
}

/**
 * The fast path: given the digest of the inputs now, returns what to report when a record
 * proves the output up to date, else undefined (no record, anything changed, anything
 * unreadable) and the caller runs the full check.
 */
export async function provenUpToDate(request: CheckRequest, settings: CheckRecordSettings, inputs: string): Promise<UpToDate | undefined> {
  if (settings.directory === undefined) return undefined;
  let record: StoredRecord;
  try {
    record = JSON.parse(await readFile(recordFile(request, settings.directory), "utf8")) as StoredRecord;
  } catch {
    return undefined;
  }
  if (record.format !== RECORD_FORMAT) return undefined;
  if (inputs !== record.inputs) return undefined;
  const tree = await readTree(path.resolve(request.cwd, request.out));
  if (tree === undefined || outputsDigest(tree) !== record.outputs) return undefined;
  return { fileCount: record.fileCount, sourceLabel: record.sourceLabel };
}

/**
 * Records a verified state: `inputsBefore` was taken before the run read anything, and is
 * compared with the inputs now, so an edit made during the run is never recorded as verified.
 * Failing to write a record only costs the next --check its speed, so errors are swallowed.
 */
export async function recordUpToDate(
  request: CheckRequest,
  settings: CheckRecordSettings,
  inputsBefore: string | undefined,
  verifiedTree: ReadonlyMap<string, ExistingFile>,
  report: UpToDate,
): Promise<void> {
  if (settings.directory === undefined || inputsBefore === undefined) return;
  try {
    if ((await inputsDigest(request, settings)) !== inputsBefore) return;
    const record: StoredRecord = { format: RECORD_FORMAT, inputs: inputsBefore, outputs: outputsDigest(verifiedTree), ...report };
    const file = recordFile(request, settings.directory);
    await mkdir(settings.directory, { recursive: true });
    // Write then rename: a concurrent reader sees the old record or the new one, never half of one.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record));
    await rename(temporary, file);
    await pruneRecords(settings.directory);
  } catch {
    // Best effort (read-only cache folder, full disk): the full check stays correct without it.
  }
}

/** Most recent records kept: test runs leave one per temporary folder, nobody reads them again. */
const KEPT_RECORDS = 64;

async function pruneRecords(directory: string): Promise<void> {
  const names = (await readdir(directory)).filter((name) => name.endsWith(".json"));
  if (names.length <= KEPT_RECORDS) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(path.join(directory, name))).mtimeMs })));
  dated.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(dated.slice(KEPT_RECORDS).map(({ name }) => rm(path.join(directory, name), { force: true })));
}

function recordFile(request: CheckRequest, directory: string): string {
  const key = createHash("sha256").update(JSON.stringify([request.cwd, request.schema, request.out, request.generation ?? "", ...(request.registry === undefined ? [] : [request.registry])])).digest("hex").slice(0, 32);
  return path.join(directory, `${key}.json`);
}

async function readTree(directory: string): Promise<Map<string, ExistingFile> | undefined> {
  try {
    return await readOutputTree(directory);
  } catch (cause) {
    if (cause instanceof OutputNotADirectoryError) return undefined;
    throw cause;
  }
}

// Tests and docs cannot change what is generated; every other file might (sources, runtime
// templates copied into generated/, format tables).
function isCodegenInput(relative: string): boolean {
  return !relative.endsWith(".test.ts") && !relative.endsWith(".md");
}

/**
 * The files a schema input consists of, sorted: the bundle file, or every file below the
 * directory (dot-folders and node_modules skipped, as the loader does), plus every file any
 * JSON file among them names in a `$ref` or `$schema`, transitively. A named file that is not
 * JSON cannot be followed, so it ends the fast path (undefined).
 */
async function schemaInputs(schemaPath: string): Promise<string[] | undefined> {
  let files: string[];
  try {
    files = (await listFiles(schemaPath, () => true)).map((file) => path.join(schemaPath, file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") files = [schemaPath];
    else return undefined;
  }
  const seen = new Set(files);
  const pending = files.filter((file) => file.endsWith(".json"));
  while (pending.length > 0) {
    const file = pending.pop() as string;
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, "utf8"));
    } catch {
      return undefined;
    }
    for (const target of referencedFiles(document, path.dirname(file))) {
      if (seen.has(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return [...seen].sort();
}

/** Local files named by `$ref` / `$schema` strings (fragments dropped, URLs ignored). */
function referencedFiles(value: unknown, baseDir: string, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencedFiles(item, baseDir, found);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if ((key === "$ref" || key === "$schema") && typeof child === "string") {
        const target = child.split("#")[0] as string;
        if (target !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(target)) found.push(path.resolve(baseDir, decodeURIComponent(target)));
      } else {
        referencedFiles(child, baseDir, found);
      }
    }
  }
  return found;
}

/** Relative paths ("/" separators) of the files below `directory` that `keep` accepts, sorted. */
async function listFiles(directory: string, keep: (relative: string) => boolean): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    // Symbolic links count as files: the loader reads through them.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const relative = path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    const folders = relative.split("/").slice(0, -1);
    // The loader skips these folders; every other file is hashed, more than the loader reads.
    if (folders.some((folder) => folder.startsWith(".") || folder === "node_modules")) continue;
    if (keep(relative)) files.push(relative);
  }
  return files.sort();
}
