/**
 * The runtime emitter: copies the fixed JSON-RPC runtime (codegen/runtime/**, tests excluded)
 * into runtime/**, each file behind the generated header. The runtime is hand-written and
 * tested where it lives; generated server and client code import the copy, so a generated
 * tree needs nothing from this repository at run time.
 */
import { readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import type { Emitter, GeneratedFile } from "../../model/model.js";
import { headerLines } from "../shared/header.js";
import { compareCodeUnits } from "../shared/order.js";

/** codegen/runtime, found from this module so the emitter works from any working directory. */
const RUNTIME_DIR = fileURLToPath(new URL("../../runtime/", import.meta.url));
/**
 * How the header names the source: the codegen package's runtime, the same wherever codegen
 * is installed or run from.
 */
const RUNTIME_LABEL = "thread-queue-codegen's runtime";

/** Paths relative to `dir` ("/" separators) of every runtime module below it, sorted. */
export function runtimeSourceFiles(dir: string = RUNTIME_DIR): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => posix.join(posixPath(posix.relative(posixPath(dir), posixPath(entry.parentPath))), entry.name))
    .sort(compareCodeUnits);
}

function posixPath(path: string): string {
  return path.split("\\").join("/");
}

export function runtimeFiles(dir: string = RUNTIME_DIR, command?: string): GeneratedFile[] {
  return runtimeSourceFiles(dir).map((relative) => {
    // Line ends are normalized so a checkout with CRLF files still generates byte-identical output.
    const text = readFileSync(posix.join(posixPath(dir), relative), "utf8").replace(/\r\n?/g, "\n");
    const header = headerLines({ source: `${RUNTIME_LABEL} (${relative})`, command, runtimeNeeds: relative === "index.ts" }).join("\n");
    return { path: `runtime/${relative}`, contents: `${header}\n\n${text.endsWith("\n") ? text : `${text}\n`}` };
  });
}

/** The model does not shape the runtime, only its headers' regenerate command. */
export const emitRuntime: Emitter = (model) => runtimeFiles(RUNTIME_DIR, model.regenerateCommand);
