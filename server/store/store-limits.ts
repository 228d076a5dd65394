/**
 * The limits both backends check the same way: the byte budget of a list page, and the
 * options of an append.
 */
import { QueueStoreError } from "./queue-store.js";

/** One row's position and the size of its stored `turnStartParams`, read before the row itself. */
export interface SizedPosition {
  readonly queueOrder: number;
  readonly bytes: number;
}

/**
 * How many of the next rows (sizes read first, at most `limit + 1` of them) one page takes: as
 * many as fit in `maxBytes`, at least one, at most `limit`. Shared by both backends so that a
 * page ends at the same row whichever one serves it.
 */
export function rowsThatFit(next: readonly SizedPosition[], limit: number, maxBytes: number | undefined): number {
  let taken = 0;
  let bytes = 0;
  for (const row of next) {
    if (taken === limit) break;
    if (maxBytes !== undefined && taken > 0 && bytes + row.bytes > maxBytes) break;
    bytes += row.bytes;
    taken += 1;
  }
  return taken;
}

export function checkPageBudget(maxBytes: number | undefined): void {
  if (maxBytes !== undefined) positiveLimitOrNull("page byte budget", maxBytes);
}

/** An optional limit: null when absent, refused unless a positive integer. */
export function positiveLimitOrNull(name: string, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new QueueStoreError("invalid_argument", `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
