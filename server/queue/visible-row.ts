/**
 * A visible (pending or failed) row as the queue keeps it in memory for a loaded thread: the
 * stored record plus its client-visible `QueuedTurn` as JSON text, written once per row (and
 * once more if it fails), so that every `thread/queue/changed` snapshot is a join of these
 * texts instead of a parse and a stringify of every row per change.
 */
import type { QueuedTurn, TurnError } from "../../generated/types/v2/index.js";
import type { QueuedTurnRecord } from "../store/queue-store.js";

/** Fallback when a failed row carries no readable failure, as the seed reports it. */
const UNKNOWN_FAILURE: TurnError = { message: "queued turn dispatch failed", codexErrorInfo: null, additionalDetails: null };

export class VisibleRow {
  private parsed: QueuedTurn | undefined;
  private paramsByteCount: number | undefined;

  private constructor(
    readonly record: QueuedTurnRecord,
    /** `JSON.stringify` of the row's `QueuedTurn`, built from the stored JSON texts as they are. */
    readonly json: string,
  ) {}

  /** The stored params and failure were validated when written, so their text is trusted here. */
  static of(record: QueuedTurnRecord): VisibleRow {
    if (record.state === "dispatching") throw new Error(`dispatching queued turn ${record.queuedTurnId} is not client-visible`);
    const status = record.state === "pending" ? `{"type":"pending"}` : `{"type":"failed","error":${failureJsonText(record.failureJson)}}`;
    return new VisibleRow(record, `{"id":${JSON.stringify(record.queuedTurnId)},"turnStartParams":${record.turnStartParamsJson},"status":${status}}`);
  }

  get queuedTurnId(): string {
    return this.record.queuedTurnId;
  }

  get queueOrder(): number {
    return this.record.queueOrder;
  }

  get state(): "pending" | "failed" {
    return this.record.state === "failed" ? "failed" : "pending";
  }

  /** The same row at another position (a reorder): its JSON does not change. */
  at(record: QueuedTurnRecord): VisibleRow {
    return record.state === this.record.state && record.failureJson === this.record.failureJson ? new VisibleRow(record, this.json) : VisibleRow.of(record);
  }

  /** UTF-8 bytes of the stored `turnStartParams` (what a page's byte budget counts). */
  get paramsBytes(): number {
    this.paramsByteCount ??= Buffer.byteLength(this.record.turnStartParamsJson);
    return this.paramsByteCount;
  }

  /** The client-visible object (list pages, add responses), parsed once when first asked for. */
  get queuedTurn(): QueuedTurn {
    this.parsed ??= JSON.parse(this.json) as QueuedTurn;
    return this.parsed;
  }
}

/** `{"threadId":…,"queuedTurns":[…]}`: the params of `thread/queue/changed` as JSON text. */
export function queueChangedJson(threadId: string, rows: readonly VisibleRow[]): string {
  return `{"threadId":${JSON.stringify(threadId)},"queuedTurns":[${rows.map((row) => row.json).join(",")}]}`;
}

function failureJsonText(json: string | null): string {
  if (json !== null) {
    try {
      JSON.parse(json);
      return json;
    } catch {
      // unreadable: reported as the seed does
    }
  }
  return JSON.stringify(UNKNOWN_FAILURE);
}
