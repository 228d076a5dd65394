/**
 * The text of turn-event notifications (channel `thread_turn_event`). Several events share one
 * notification: PostgreSQL queues, signals and delivers each notification to every listening
 * backend separately, and each listener parses each one, so the events of a publish go in as
 * few notifications as the payload limit allows.
 *
 *   payload  = schema "\n" origin "\n" entry+          (the schema is prepended in SQL)
 *   entry    = threadId "\n" method "\n" length "\n" paramsJson    (length in UTF-16 units)
 *            | threadId "\n" method "\n" "#" event_seq            (stored: the payload's only entry)
 *
 * None of the header fields can hold a newline (a UUID, a thread id, a method name); the params'
 * JSON text is carried as it is (never parsed or re-serialized on the way), newlines included.
 */
import { TURN_EVENT_METHODS, type TurnEvent, type TurnEventMethod } from "../queue-store.js";

/**
 * NOTIFY refuses payloads of 8000 bytes or more. The schema name (at most 63 bytes) and its
 * newline are prepended in SQL, so what we build stays within this.
 */
export const MAX_PAYLOAD_BYTES = 7_900;

/** What to send, in order: payloads of inline events, or one event to store and name by its row. */
export type PackedTurnEvents =
  | { readonly kind: "inline"; readonly payload: string }
  | { readonly kind: "stored"; readonly event: TurnEvent; /** The payload before the row's event_seq. */ readonly header: string };

export function packTurnEvents(origin: string, events: readonly TurnEvent[], maxBytes: number = MAX_PAYLOAD_BYTES): PackedTurnEvents[] {
  const head = `\n${origin}\n`;
  const headBytes = Buffer.byteLength(head);
  const packed: PackedTurnEvents[] = [];
  let entries = "";
  let entriesBytes = 0;
  const flush = (): void => {
    if (entries === "") return;
    packed.push({ kind: "inline", payload: head + entries });
    entries = "";
    entriesBytes = 0;
  };
  for (const event of events) {
    const entry = `${event.threadId}\n${event.method}\n${event.paramsJson.length}\n${event.paramsJson}`;
    const bytes = Buffer.byteLength(entry);
    if (headBytes + bytes > maxBytes) {
      flush();
      packed.push({ kind: "stored", event, header: `${head}${event.threadId}\n${event.method}\n#` });
      continue;
    }
    if (headBytes + entriesBytes + bytes > maxBytes) flush();
    entries += entry;
    entriesBytes += bytes;
  }
  flush();
  return packed;
}

export type TurnEventEntry = ({ readonly paramsJson: string } | { readonly storedSeq: number }) & {
  readonly threadId: string;
  readonly method: TurnEventMethod;
};

export interface ParsedTurnEvents {
  readonly schema: string;
  readonly origin: string;
  readonly entries: readonly TurnEventEntry[];
}

/** Undefined for a payload that is not one of ours (someone else notifying on the channel). */
export function parseTurnEventPayload(payload: string): ParsedTurnEvents | undefined {
  const cursor = { at: 0 };
  const schema = nextLine(payload, cursor);
  const origin = nextLine(payload, cursor);
  if (schema === undefined || origin === undefined || cursor.at >= payload.length) return undefined;
  const entries: TurnEventEntry[] = [];
  while (cursor.at < payload.length) {
    const threadId = nextLine(payload, cursor);
    const method = nextLine(payload, cursor);
    if (threadId === undefined || method === undefined || !TURN_EVENT_METHODS.has(method)) return undefined;
    const eventMethod = method as TurnEventMethod;
    if (payload[cursor.at] === "#") {
      const storedSeq = Number(payload.slice(cursor.at + 1));
      if (!Number.isSafeInteger(storedSeq) || entries.length > 0) return undefined;
      return { schema, origin, entries: [{ threadId, method: eventMethod, storedSeq }] };
    }
    const lengthText = nextLine(payload, cursor);
    const length = Number(lengthText);
    if (lengthText === undefined || lengthText === "" || !Number.isSafeInteger(length) || length < 0 || cursor.at + length > payload.length) return undefined;
    entries.push({ threadId, method: eventMethod, paramsJson: payload.slice(cursor.at, cursor.at + length) });
    cursor.at += length;
  }
  return { schema, origin, entries };
}

function nextLine(text: string, cursor: { at: number }): string | undefined {
  const end = text.indexOf("\n", cursor.at);
  if (end === -1) return undefined;
  const line = text.slice(cursor.at, end);
  cursor.at = end + 1;
  return line;
}
