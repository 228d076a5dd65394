import path from "node:path";
import { fileURLToPath } from "node:url";
import { $RefParser, type FileInfo, type JSONSchema } from "@apidevtools/json-schema-ref-parser";

/**
 * Follows every `$ref` reachable from `entryFiles` with json-schema-ref-parser and returns
 * each document it could load, by absolute path, plus why the others could not be loaded.
 * Documents already parsed by the caller are served from `parsed` (so each file is read
 * once); others, such as a file outside the schema directory, are read by the library. A
 * failure is not reported here but at the `$ref` that names the file, where the user can
 * act on it.
 */
export async function loadReferencedDocuments(
  baseDirectory: string,
  entryFiles: readonly string[],
  parsed: ReadonlyMap<string, unknown>,
): Promise<ReferencedDocuments> {
  const entries: Record<string, { $ref: string }> = {};
  entryFiles.forEach((file, index) => {
    const relative = path.relative(baseDirectory, file).split(path.sep).map(encodeURIComponent).join("/");
    entries[String(index)] = { $ref: `./${relative}` };
  });
  const root = { definitions: entries };
  const parser = new $RefParser();
  try {
    await parser.resolve(path.join(baseDirectory, "__schema_directory__.json"), root, {
      continueOnError: true,
      parse: { yaml: false, text: false, binary: false },
      resolve: {
        http: false,
        parsedSchemaFiles: {
          order: 1,
          canRead: (file: FileInfo) => parsed.has(toFileSystemPath(file.url)),
          read: (file: FileInfo) => parsed.get(toFileSystemPath(file.url)) as JSONSchema,
        },
      },
    });
  } catch {
    // With continueOnError the library keeps what it loaded and records each failure.
  }
  const documents = new Map<string, unknown>();
  const failures = new Map<string, string>();
  for (const [url, value] of Object.entries(parser.$refs.values() as Record<string, unknown>)) {
    const file = toFileSystemPath(url);
    if (value instanceof Error) {
      const code = (value as { ioErrorCode?: unknown }).ioErrorCode;
      failures.set(file, code === "ENOENT" ? "does not exist" : `cannot be loaded (${value.message})`);
    } else if (value !== undefined) {
      documents.set(file, value);
    }
  }
  return { documents, failures };
}

export interface ReferencedDocuments {
  readonly documents: ReadonlyMap<string, unknown>;
  /** Why a referenced file could not be loaded ("does not exist", a parse error, …). */
  readonly failures: ReadonlyMap<string, string>;
}

export function toFileSystemPath(url: string): string {
  return url.startsWith("file:") ? fileURLToPath(url) : path.resolve(decodeURI(url));
}
