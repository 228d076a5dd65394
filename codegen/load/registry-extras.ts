/**
 * The registry's documentation members beside the methods: `name`/`version`, the errors a
 * request can answer (`requestErrors`, and each request's `errors`), and `diagrams` (DOT files
 * next to the registry). protocol.json is also checked against protocol.schema.json; these
 * checks are what the model needs, so a bundle's `x-protocol` gets the same guarantees.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SchemaError } from "../errors.js";
import type { DiagramSpec, MethodError, MethodSpec } from "../model/model.js";
import { isJsonObject, joinPointer } from "./json-pointer.js";

/** What the model carries from the registry besides the methods. */
export interface RegistryExtras {
  readonly info?: { readonly name: string; readonly version: string };
  readonly requestErrors?: readonly MethodError[];
  readonly diagrams?: readonly DiagramSpec[];
}

interface DiagramEntry {
  readonly name: string;
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly methods: readonly string[];
  readonly pointer: string;
}

const DIAGRAM_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DIAGRAM_FILE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.dot$/;

/**
 * An `errors` array (a request's, or the registry's `requestErrors`), or undefined with the
 * problems pushed onto `errors` when it is malformed. Absent → undefined, no problem.
 */
export function parseErrorAnswers(value: unknown, file: string, pointer: string, errors: SchemaError[]): MethodError[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    errors.push({ file, pointer, message: "must be an array of {code, message, when} error answers" });
    return undefined;
  }
  const answers: MethodError[] = [];
  value.forEach((item, index) => {
    const at = joinPointer(pointer, index);
    if (!isJsonObject(item) || !Number.isInteger(item["code"]) || !nonEmpty(item["message"]) || !nonEmpty(item["when"])) {
      errors.push({ file, pointer: at, message: "an error answer is {\"code\": <integer>, \"message\": <text as sent>, \"when\": <one sentence>}" });
      return;
    }
    answers.push({ code: item["code"] as number, message: item["message"] as string, when: item["when"] as string });
  });
  return answers;
}

/**
 * `name`, `version`, `requestErrors` and the `diagrams` entries (files not read yet); a
 * diagram naming a method the registry does not declare is an error.
 */
export function parseRegistryExtras(
  registry: unknown,
  file: string,
  pointer: string,
  methods: readonly MethodSpec[],
): { info?: RegistryExtras["info"]; requestErrors?: readonly MethodError[]; diagrams: DiagramEntry[]; errors: SchemaError[] } {
  const errors: SchemaError[] = [];
  if (!isJsonObject(registry)) return { diagrams: [], errors };
  const name = registry["name"];
  const version = registry["version"];
  const info = nonEmpty(name) && nonEmpty(version) ? { name, version } : undefined;
  const requestErrors = parseErrorAnswers(registry["requestErrors"], file, joinPointer(pointer, "requestErrors"), errors);
  const diagrams: DiagramEntry[] = [];
  const listed = registry["diagrams"];
  const listPointer = joinPointer(pointer, "diagrams");
  if (listed !== undefined && !Array.isArray(listed)) {
    errors.push({ file, pointer: listPointer, message: "`diagrams` must be an array of {name, file, title, description, methods}" });
  } else if (Array.isArray(listed)) {
    const seen = new Set<string>();
    listed.forEach((entry, index) => {
      const at = joinPointer(listPointer, index);
      const parsed = parseDiagramEntry(entry, file, at, errors);
      if (parsed === undefined) return;
      const known = new Set(methods.map((method) => method.method));
      parsed.methods.forEach((method, methodIndex) => {
        if (!known.has(method)) {
          errors.push({ file, pointer: joinPointer(joinPointer(at, "methods"), methodIndex), message: `diagram "${parsed.name}" names method "${method}", which the registry does not declare` });
        }
      });
      if (seen.has(parsed.name)) {
        errors.push({ file, pointer: joinPointer(at, "name"), message: `duplicate diagram name "${parsed.name}"; names must be unique` });
        return;
      }
      seen.add(parsed.name);
      diagrams.push(parsed);
    });
  }
  return { ...(info ? { info } : {}), ...(requestErrors ? { requestErrors } : {}), diagrams, errors };
}

function parseDiagramEntry(entry: unknown, file: string, pointer: string, errors: SchemaError[]): DiagramEntry | undefined {
  if (!isJsonObject(entry)) {
    errors.push({ file, pointer, message: "a diagram entry must be an object {name, file, title, description, methods}" });
    return undefined;
  }
  const before = errors.length;
  const check = (key: string, ok: boolean, expected: string): void => {
    if (!ok) errors.push({ file, pointer: joinPointer(pointer, key), message: `\`${key}\` must be ${expected}` });
  };
  const { name, file: dotFile, title, description, methods } = entry;
  check("name", typeof name === "string" && DIAGRAM_NAME.test(name), "a lower-case, dash-separated id such as \"queue-lifecycle\"");
  check("file", typeof dotFile === "string" && DIAGRAM_FILE.test(dotFile), "a relative path to a .dot file, e.g. \"diagrams/queue-lifecycle.dot\"");
  check("title", nonEmpty(title), "a non-empty title");
  check("description", nonEmpty(description), "a non-empty description");
  check("methods", Array.isArray(methods) && methods.every(nonEmpty), "an array of method names (may be empty)");
  if (errors.length > before) return undefined;
  return { name: name as string, file: dotFile as string, title: title as string, description: description as string, methods: methods as string[], pointer };
}

/** Reads each diagram's DOT file, relative to the registry's folder. */
export async function readDiagrams(
  entries: readonly DiagramEntry[],
  registryDir: string,
  registryFile: string,
  label: (absolutePath: string) => string,
): Promise<{ diagrams: DiagramSpec[]; errors: SchemaError[] }> {
  const errors: SchemaError[] = [];
  const read = await Promise.all(
    entries.map(async (entry) => {
      const absolute = path.join(registryDir, ...entry.file.split("/"));
      try {
        const dot = (await readFile(absolute, "utf8")).replace(/\r\n?/g, "\n");
        const { pointer: _pointer, file: _file, ...rest } = entry;
        return { ...rest, dot, source: { file: label(absolute), pointer: "" } } satisfies DiagramSpec;
      } catch (cause) {
        const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(cause as Error).message})`;
        errors.push({ file: registryFile, pointer: joinPointer(entry.pointer, "file"), message: `diagram file ${label(absolute)} ${reason}; add it or fix the path` });
        return undefined;
      }
    }),
  );
  return { diagrams: read.filter((diagram) => diagram !== undefined), errors };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
