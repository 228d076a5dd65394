/**
 * One loaded thread's visible queue in memory, at a known queue version of the store. It is
 * kept exact by the results of the writes this instance commits (`QueueWriteOptions.onCommitted`
 * gives each one's version): a change whose version follows the view's is applied in place, one
 * it has already seen is ignored, and anything else — a version gap (another instance wrote in
 * between), or a change only the store can describe (a lease takeover's recovery) — tells the
 * caller to read the queue again. The store stays the truth; this is a cache with a version.
 *
 * Rows are held in queue order (ascending `queueOrder`, which every store operation preserves),
 * in an array replaced — never mutated — on each change, so a snapshot taken at one version
 * stays that version's while later changes are applied.
 */
import type { QueuedTurnRecord, QueueSnapshot } from "../store/queue-store.js";
import { VisibleRow } from "./visible-row.js";

export type ViewChange =
  /** A row appended at the tail. */
  | { readonly type: "append"; readonly row: QueuedTurnRecord }
  /** A row deleted, or claimed (it became dispatching: invisible). */
  | { readonly type: "remove"; readonly queuedTurnId: string }
  /** Every visible row, as a reorder left them. */
  | { readonly type: "replace"; readonly rows: readonly QueuedTurnRecord[] }
  /** A claimed row failed: visible again, at its place. */
  | { readonly type: "fail"; readonly row: QueuedTurnRecord }
  /** A change the store made that only a read can describe (recovery, requeue). */
  | { readonly type: "unknown" };

/** `applied`: the view is at `version` now; `seen`: it already was; `gap`: read the queue again. */
export type ApplyOutcome = "applied" | "seen" | "gap";

/** The view at one version; its rows never change. */
export interface ViewSnapshot {
  readonly version: number;
  readonly rows: readonly VisibleRow[];
}

export interface ViewPage {
  readonly rows: readonly VisibleRow[];
  readonly hasMore: boolean;
}

/** Before the first read. */
const UNREAD = -1;

export class QueueView {
  private state: ViewSnapshot = { version: UNREAD, rows: [] };

  /** The queue version the rows are at; -1 before the first read. */
  get version(): number {
    return this.state.version;
  }

  get read(): boolean {
    return this.state.version !== UNREAD;
  }

  snapshot(): ViewSnapshot {
    return this.state;
  }

  head(): VisibleRow | undefined {
    return this.state.rows[0];
  }

  /** Replaces the view with what the store returned if that is newer; true when it was. */
  reset(snapshot: QueueSnapshot): boolean {
    if (snapshot.version <= this.state.version) return false;
    const known = new Map(this.state.rows.map((row) => [row.queuedTurnId, row]));
    this.state = { version: snapshot.version, rows: snapshot.rows.map((record) => reuse(known, record)) };
    return true;
  }

  apply(version: number, change: ViewChange): ApplyOutcome {
    if (!this.read) return "gap";
    if (version <= this.state.version) return "seen";
    if (version !== this.state.version + 1 || change.type === "unknown") return "gap";
    this.state = { version, rows: changed(this.state.rows, change) };
    return "applied";
  }

  /**
   * Keyset page after `afterOrder` (exclusive; null = from the start), as the store pages. With
   * `maxBytes` (bytes of stored `turnStartParams`) the page also ends before the row that would
   * pass it, but its first row comes whatever its size, so every row can be read.
   */
  page(afterOrder: number | null, limit: number, maxBytes?: number): ViewPage {
    const rows = this.state.rows;
    const start = afterOrder === null ? 0 : firstAfter(rows, afterOrder);
    let end = Math.min(start + limit, rows.length);
    if (maxBytes !== undefined) {
      let bytes = 0;
      for (let index = start; index < end; index++) {
        bytes += (rows[index] as VisibleRow).paramsBytes;
        if (bytes > maxBytes && index > start) end = index;
      }
    }
    return { rows: rows.slice(start, end), hasMore: end < rows.length };
  }
}

function changed(rows: readonly VisibleRow[], change: Exclude<ViewChange, { type: "unknown" }>): readonly VisibleRow[] {
  switch (change.type) {
    case "append":
      return [...rows, VisibleRow.of(change.row)];
    case "remove":
      return rows.filter((row) => row.queuedTurnId !== change.queuedTurnId);
    case "replace": {
      const known = new Map(rows.map((row) => [row.queuedTurnId, row]));
      return change.rows.map((record) => reuse(known, record));
    }
    case "fail": {
      const next = rows.filter((row) => row.queuedTurnId !== change.row.queuedTurnId);
      next.splice(firstAfter(next, change.row.queueOrder), 0, VisibleRow.of(change.row));
      return next;
    }
  }
}

/** A row already in memory keeps its JSON when only its position changed. */
function reuse(known: ReadonlyMap<string, VisibleRow>, record: QueuedTurnRecord): VisibleRow {
  return known.get(record.queuedTurnId)?.at(record) ?? VisibleRow.of(record);
}

/** Index of the first row whose queueOrder is greater than `order` (rows are in queue order). */
function firstAfter(rows: readonly VisibleRow[], order: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((rows[middle] as VisibleRow).queueOrder <= order) low = middle + 1;
    else high = middle;
  }
  return low;
}
