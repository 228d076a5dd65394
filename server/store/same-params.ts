import { isDeepStrictEqual } from "node:util";
import { QueueStoreError } from "./queue-store.js";

/**
 * Whether a retried add's `turnStartParams` are the ones stored under its `clientUserMessageId`:
 * the same JSON value, objects compared whatever their key order, arrays in order — what
 * PostgreSQL's `jsonb` equality decides, so the SQLite and memory stores give a retry the answer
 * PostgreSQL gives it. A client that re-serialises its params (another key order, other
 * whitespace) is retrying, not conflicting.
 */
export function sameTurnStartParams(storedJson: string, incomingJson: string): boolean {
  return isDeepStrictEqual(JSON.parse(storedJson), parseIncoming(incomingJson));
}

function parseIncoming(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new QueueStoreError("invalid_json", "turn start params are not valid JSON", { cause: error });
  }
}
