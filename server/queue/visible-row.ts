/**
 * A visible (pending or failed) row as the queue hands it out: the stored record plus its
 * client-visible `QueuedTurn` as JSON text, written once when first asked for and kept (every
 * `thread/queue/changed` joins these texts instead of parsing and stringifying each row per
 * change — 1,000 rows: ~0.7 ms against ~2 ms built afresh, or ~3.5 ms stringified, on the loaded
 * development VM), and as an object for list pages and add responses, made per call (lists are
 * rarer than snapshots, and objects cost more memory than the text).
 */
import type { QueuedTurn, TurnError, TurnStartParams } from "../../generated/types/v2/index.js";
import type { QueuedTurnRecord } from "../store/queue-store.js";

/** Fallback when a failed row carries no readable failure, as the seed reports it. */
const UNKNOWN_FAILURE: TurnError = { message: "queued turn dispatch failed", codexErrorInfo: null, additionalDetails: null };

export class VisibleRow {
  private text: string | undefined;
  private paramsByteCount: number | undefined;

  private constructor(readonly record: QueuedTurnRecord) {}

  /** The stored params and failure were validated when written, so their text is trusted here. */
  static of(record: QueuedTurnRecord): VisibleRow {
    if (record.state === "dispatching") throw new Error(`dispatching queued turn ${record.queuedTurnId} is not client-visible`);
    return new VisibleRow(record);
  }

  /**
   * The row an idempotent add's retry names (`AppendedQueuedTurn.replayed`), whatever its state:
   * one that was claimed or already dispatched is shown as it was queued, `pending` — it is no
   * longer in the visible queue, and a client retrying learns its id.
   */
  static replayed(record: QueuedTurnRecord): VisibleRow {
    return new VisibleRow(record);
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

  /** The same row at another position (a reorder): what was written for it still holds. */
  at(record: QueuedTurnRecord): VisibleRow {
    if (record.state !== this.record.state || record.failureJson !== this.record.failureJson) return VisibleRow.of(record);
    const moved = new VisibleRow(record);
    moved.text = this.text;
    moved.paramsByteCount = this.paramsByteCount;
    return moved;
  }

  /** `JSON.stringify` of the row's `QueuedTurn`, built from the stored JSON texts as they are. */
  get json(): string {
    this.text ??= `{"id":${JSON.stringify(this.record.queuedTurnId)},"turnStartParams":${this.record.turnStartParamsJson},"status":${statusJson(this.record)}${clientIdJson(this.record)}}`;
    return this.text;
  }

  /** The client-visible object (a fresh one per call: the caller hands it out). */
  get queuedTurn(): QueuedTurn {
    const turn: QueuedTurn = {
      id: this.record.queuedTurnId,
      turnStartParams: JSON.parse(this.record.turnStartParamsJson) as TurnStartParams,
      status: this.record.state === "failed" ? { type: "failed", error: JSON.parse(failureJsonText(this.record.failureJson)) as TurnError } : { type: "pending" },
    };
    if (this.record.clientUserMessageId !== null) turn.clientUserMessageId = this.record.clientUserMessageId;
    return turn;
  }

  /** UTF-8 bytes of the stored `turnStartParams` (what a page's byte budget counts). */
  get paramsBytes(): number {
    this.paramsByteCount ??= Buffer.byteLength(this.record.turnStartParamsJson);
    return this.paramsByteCount;
  }
}

/** `{"threadId":…,"queuedTurns":[…]}`: the params of `thread/queue/changed` as JSON text. */
export function queueChangedJson(threadId: string, rows: readonly VisibleRow[]): string {
  return `{"threadId":${JSON.stringify(threadId)},"queuedTurns":[${rows.map((row) => row.json).join(",")}]}`;
}

/** `,"clientUserMessageId":…` when the row has one; nothing otherwise (the field is optional). */
function clientIdJson(record: QueuedTurnRecord): string {
  return record.clientUserMessageId === null ? "" : `,"clientUserMessageId":${JSON.stringify(record.clientUserMessageId)}`;
}

function statusJson(record: QueuedTurnRecord): string {
  return record.state === "failed" ? `{"type":"failed","error":${failureJsonText(record.failureJson)}}` : `{"type":"pending"}`;
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
