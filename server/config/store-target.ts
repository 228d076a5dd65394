/**
 * What `--db` names: a PostgreSQL URL (several instances may share it) or an SQLite file, given
 * as a path or a `file:` URL. Any other URL scheme is refused rather than taken for a file name
 * (`mysql://x` used to create `./mysql:/x`). Kept apart from the flag table so that main.ts and
 * the tests read it alike.
 */
import { fileURLToPath } from "node:url";

export type StoreTarget =
  | { readonly kind: "sqlite"; readonly path: string }
  | {
      readonly kind: "postgres";
      readonly connectionString: string;
      /** Schema holding the tables (created if missing); default: the connection's search_path. */
      readonly schema: string | undefined;
    };

/** A `--db` value that names no store this server can open: a command-line error. */
export class StoreTargetError extends Error {
  override readonly name = "StoreTargetError";
}

export const SUPPORTED_STORE_TARGETS = "an SQLite file path, a file:///absolute/path URL, or a postgres:// (postgresql://) URL";

/**
 * A URL scheme: two characters at least, so that a Windows drive letter (`C:\data\q.sqlite`)
 * stays a path. A file whose name has a colon is still reachable as `./name`.
 */
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

export function parseStoreTarget(db: string, schema: string | undefined): StoreTarget {
  if (db === "") throw new StoreTargetError(`--db is empty; give ${SUPPORTED_STORE_TARGETS}`);
  const scheme = URL_SCHEME.exec(db)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: "sqlite", path: db };
  if (scheme === "postgres" || scheme === "postgresql") return { kind: "postgres", connectionString: db, schema };
  if (scheme === "file") return { kind: "sqlite", path: filePath(db) };
  const colonInName = /^[^:]+:\/\//.test(db) ? "" : ` (a file whose name has a colon: write ./${db})`;
  throw new StoreTargetError(`--db ${JSON.stringify(db)} has the unsupported scheme "${scheme}:"; give ${SUPPORTED_STORE_TARGETS}${colonInName}`);
}

function filePath(url: string): string {
  // WHATWG reads `file:queue.sqlite` as /queue.sqlite; a relative file URL is refused instead.
  if (!url.slice("file:".length).startsWith("/")) {
    throw new StoreTargetError(`--db ${JSON.stringify(url)} is a relative file: URL; give file:///absolute/path, or the path itself`);
  }
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new StoreTargetError(`--db ${JSON.stringify(url)} is not a usable file: URL (${error instanceof Error ? error.message : String(error)}); give file:///absolute/path`);
  }
}

/** For logs: a URL without its password (or an unparsable one, hidden whole). */
export function describeStoreTarget(target: StoreTarget): string {
  if (target.kind === "sqlite") return target.path;
  let shown: string;
  try {
    const url = new URL(target.connectionString);
    if (url.password !== "") url.password = "***";
    url.searchParams.forEach((_, key) => {
      if (/pass/i.test(key)) url.searchParams.set(key, "***");
    });
    shown = url.toString();
  } catch {
    shown = "postgres://(unparsable URL)";
  }
  return target.schema === undefined ? shown : `${shown} (schema ${target.schema})`;
}
