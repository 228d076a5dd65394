/**
 * The --init file: the handshake sent before the generated calls, as a JSON array of
 * JSON-RPC messages. A message with an `id` is a request (its answer is checked, and an error
 * answer is a finding), one without is a notification.
 *
 *   [
 *     {"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "probe", "version": "1"}}},
 *     {"method": "initialized"}
 *   ]
 */
import { readFile } from "node:fs/promises";
import { isJsonRpcId, type JsonRpcMessage } from "../runtime/jsonrpc.js";
import type { SendEvent } from "./transcript.js";

export type InitFile = { readonly ok: true; readonly messages: readonly SendEvent[] } | { readonly ok: false; readonly message: string };

export async function readInitFile(file: string, label: string): Promise<InitFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { ok: false, message: `--init ${label}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `--init ${label}: not JSON (${(error as Error).message})` };
  }
  const list = Array.isArray(value) ? value : [value];
  const messages: SendEvent[] = [];
  for (const [index, entry] of list.entries()) {
    const where = `--init ${label}#/${index}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return { ok: false, message: `${where}: expected a JSON-RPC message object` };
    const record = entry as Record<string, unknown>;
    if (typeof record.method !== "string" || record.method === "") return { ok: false, message: `${where}: "method" must be a non-empty string` };
    if (Object.hasOwn(record, "id") && !isJsonRpcId(record.id)) return { ok: false, message: `${where}: "id" must be a string or an integer` };
    if (record.params !== undefined && (record.params === null || typeof record.params !== "object")) {
      return { ok: false, message: `${where}: "params" must be an object or an array` };
    }
    messages.push({ send: record as unknown as JsonRpcMessage, intent: "init" });
  }
  return { ok: true, messages };
}
