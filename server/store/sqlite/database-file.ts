import { closeSync, constants, fstatSync, mkdirSync, openSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";

/**
 * Makes sure `path` is a regular file this process can write, creating it (0600) and its
 * missing folders (0700) owner-only — queued inputs are user data. SQLite gives its -wal and
 * -shm files the database file's mode. Existing paths keep their modes: their owner chose them.
 *
 * Fails at once, with the path in the message, on anything that is not a usable file, instead
 * of what the plain calls do: `mkdirSync({recursive})` spins forever where a folder cannot be
 * created although its parent exists (`/proc/nope/x`), and opening a FIFO for writing blocks
 * until a reader comes.
 */
export function createPrivateFile(path: string): void {
  const existing = statOrUndefined(path);
  if (existing !== undefined && !existing.isFile()) throw new Error(`${path} is ${kindOf(existing)}, not a database file`);
  if (existing === undefined) createPrivateFolders(dirname(path));
  // O_NONBLOCK: should a FIFO appear at the path meanwhile, the open fails instead of waiting for a reader.
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o600);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new Error(`${path} is ${kindOf(opened)}, not a database file`);
  } finally {
    closeSync(fd);
  }
}

/** Creates the missing folders of `folder` one by one (never recursively), outermost first. */
function createPrivateFolders(folder: string): void {
  const missing: string[] = [];
  for (let current = folder; ; current = dirname(current)) {
    const stats = statOrUndefined(current);
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw new Error(`${current} is ${kindOf(stats)}, not a folder`);
      break;
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const each of missing.reverse()) {
    try {
      mkdirSync(each, { mode: 0o700 });
    } catch (error) {
      // Another process may have created it meanwhile (several servers starting on one file).
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && statOrUndefined(each)?.isDirectory() === true) continue;
      throw new Error(`cannot create the folder ${each}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}
