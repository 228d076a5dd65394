import { readFile } from "node:fs/promises";
import type { SchemaError } from "../errors.js";

export type JsonReadResult = { ok: true; value: unknown } | { ok: false; error: SchemaError };

/** Reads and parses a JSON file; a syntax error becomes a SchemaError with line and column. */
export async function readJsonFile(absolutePath: string, file: string): Promise<JsonReadResult> {
  let text: string;
  try {
    text = await readFile(absolutePath, "utf8");
  } catch (cause) {
    return { ok: false, error: { file, pointer: "", message: `cannot read the file: ${(cause as Error).message}` } };
  }
  return parseJsonText(text, file);
}

export function parseJsonText(text: string, file: string): JsonReadResult {
  try {
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (cause) {
    const detail = (cause as Error).message;
    const position = /at position (\d+)/.exec(detail);
    const where = position?.[1] !== undefined ? ` at ${lineAndColumn(text, Number(position[1]))}` : "";
    return {
      ok: false,
      error: { file, pointer: "", message: `invalid JSON${where}: ${stripPosition(detail)}; fix the syntax` },
    };
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

function stripPosition(message: string): string {
  return message.replace(/\s*in JSON at position \d+(\s*\(line \d+ column \d+\))?/, "").trim();
}
