/**
 * Opaque `thread/queue/list` cursors over the keyset position (`queueOrder` of the last row
 * returned). Clients must not parse them; the prefix versions the format so it can change.
 */

const PREFIX = "qo1:";

export function encodeQueueCursor(afterOrder: number): string {
  return Buffer.from(`${PREFIX}${afterOrder}`, "utf8").toString("base64url");
}

/** The keyset position, or null when `cursor` is not one this module produced. */
export function decodeQueueCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(PREFIX)) return null;
  const digits = text.slice(PREFIX.length);
  if (!/^(0|-?[1-9][0-9]*)$/.test(digits)) return null;
  const order = Number(digits);
  // Re-encoding must give back the same text, so that two spellings never name one position.
  return Number.isSafeInteger(order) && encodeQueueCursor(order) === cursor ? order : null;
}
