/**
 * The replayable record of a session, one JSON value per line (NDJSON):
 *
 *   {"probe":"transcript","version":1,…}                        header: how to reach the server
 *   {"send":{"id":3,"method":"thread/queue/add","params":{…}},"intent":"invalid",
 *    "mutation":"missing required \"input\" at /turnStartParams",
 *    "bind":[{"at":"/params/threadId","from":{"response":2,"pointer":"/result/thread/id"}}]}
 *   {"receive":{"id":3,"error":{…}}}
 *   {"finding":{"kind":"wrong-error-code",…}}
 *
 * `send` lines are exactly what was written to the server. A `bind` says a value was one the
 * server handed out earlier, so a replay against a fresh server sends that server's value
 * (its own thread id) instead of the recorded one. `receive` and `finding` lines are what the
 * original run saw; a replay ignores them and judges anew.
 */
import type { JsonRpcMessage } from "../runtime/jsonrpc.js";
import type { Finding } from "./findings.js";
import type { PoolOrigin } from "./pool.js";

export interface Binding {
  /** JSON pointer into the sent message ("/params/threadId"). */
  readonly at: string;
  readonly from: PoolOrigin;
}

export interface TranscriptHeader {
  readonly probe: "transcript";
  readonly version: 1;
  readonly seed: number | null;
  readonly schema: string;
  readonly server: string;
  readonly listen: string;
  readonly timeoutMs: number;
  readonly invalidParamsCode: number;
  /** The source of --invalid-params-message, when one was given. */
  readonly invalidParamsMessage?: string;
}

export type Intent = "init" | "valid" | "invalid";

export interface SendEvent {
  readonly send: JsonRpcMessage;
  readonly intent: Intent;
  readonly mutation?: string;
  readonly bind?: readonly Binding[];
}

export type TranscriptEvent = SendEvent | { readonly receive: unknown } | { readonly finding: Finding };

export function transcriptLines(header: TranscriptHeader, events: readonly TranscriptEvent[]): string[] {
  return [JSON.stringify(header), ...events.map((event) => JSON.stringify(event))];
}

export type ParsedTranscript =
  | { readonly ok: true; readonly header: TranscriptHeader | undefined; readonly sends: readonly SendEvent[]; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly message: string };

/** Reads a transcript; `send` lines may also be bare JSON-RPC messages, as written by hand. */
export function parseTranscript(text: string, file: string): ParsedTranscript {
  let header: TranscriptHeader | undefined;
  const sends: SendEvent[] = [];
  const findings: Finding[] = [];
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return { ok: false, message: `${file}:${index + 1}: not JSON (${(error as Error).message})` };
    }
    if (!isObject(value)) return { ok: false, message: `${file}:${index + 1}: expected a JSON object per line` };
    if (value.probe === "transcript") header = value as unknown as TranscriptHeader;
    else if (isObject(value.send) && typeof value.send.method === "string") sends.push(value as unknown as SendEvent);
    else if (isObject(value.finding)) findings.push(value.finding as unknown as Finding);
    else if (Object.hasOwn(value, "receive")) continue;
    else if (typeof value.method === "string") sends.push({ send: value as unknown as JsonRpcMessage, intent: "valid" });
    else return { ok: false, message: `${file}:${index + 1}: neither a header, a send, a receive nor a finding line` };
  }
  if (sends.length === 0) return { ok: false, message: `${file}: no message to send` };
  return { ok: true, header, sends, findings };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
