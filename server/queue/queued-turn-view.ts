import type { QueuedTurn, TurnError, TurnStartParams } from "../../generated/types/v2/index.js";
import type { QueuedTurnRecord } from "../store/queue-store.js";

/** Fallback when a failed row carries no readable failure, as the seed reports it. */
const UNKNOWN_FAILURE: TurnError = { message: "queued turn dispatch failed", codexErrorInfo: null, additionalDetails: null };

/**
 * The client-visible form of a stored row. Only pending and failed rows are visible; the
 * stored JSON was validated when it was written, so it is trusted here.
 */
export function toQueuedTurn(row: QueuedTurnRecord): QueuedTurn {
  const turnStartParams = JSON.parse(row.turnStartParamsJson) as TurnStartParams;
  if (row.state === "pending") return { id: row.queuedTurnId, turnStartParams, status: { type: "pending" } };
  if (row.state === "failed") return { id: row.queuedTurnId, turnStartParams, status: { type: "failed", error: readFailure(row.failureJson) } };
  throw new Error(`dispatching queued turn ${row.queuedTurnId} is not client-visible`);
}

function readFailure(json: string | null): TurnError {
  if (json === null) return UNKNOWN_FAILURE;
  try {
    return JSON.parse(json) as TurnError;
  } catch {
    return UNKNOWN_FAILURE;
  }
}
