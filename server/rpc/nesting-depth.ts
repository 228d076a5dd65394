/**
 * How deeply an incoming message may nest. JSON.parse copes with any depth, but the first
 * recursive walk over such a value (JSON.stringify when a turn is stored, a validator)
 * overflows the stack: a client could turn a valid-looking request into -32603 or worse.
 * Upstream reads messages with serde_json, whose default recursion limit is 128, so no real
 * client sends deeper messages; this server refuses them the same way — as unparsable.
 */
export const MAX_NESTING_DEPTH = 128;

/** Whether arrays and objects nest more than `limit` levels (the message itself is level 1). Iterative. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, depth } = next;
    if (node === null || typeof node !== "object") continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") pending.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
