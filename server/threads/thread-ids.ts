import { invalidRequest } from "../../generated/runtime/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thread ids are UUIDs (v7 when this server mints them), as upstream's `ThreadId`. */
export function parseThreadId(threadId: string): string {
  if (!UUID.test(threadId)) throw invalidRequest(`invalid thread id: ${JSON.stringify(threadId)} is not a UUID`);
  return threadId;
}
