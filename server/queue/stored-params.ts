/** What a dispatch reads from, and writes back to, a claimed row. */
import type { TurnError, TurnStartParams } from "../../generated/types/v2/index.js";
import { validatorsById } from "../../generated/validators/index.js";

export const RESTART_INTERRUPTED_MESSAGE = "queued turn dispatch was interrupted while app-server restarted";

/** The `TurnError` JSON a failed row stores. */
export function failureJson(message: string): string {
  const error: TurnError = { message, codexErrorInfo: null, additionalDetails: null };
  return JSON.stringify(error);
}

export type StoredParams = { ok: true; value: TurnStartParams } | { ok: false; reason: string };

/** The claimed row's params, checked again: the database may have been written by anything. */
export function readStoredParams(json: string): StoredParams {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  const validate = validatorsById["v2/TurnStartParams"];
  const result = validate === undefined ? { ok: false as const, errors: [] } : validate(value);
  if (!result.ok) {
    const first = result.errors[0];
    return { ok: false, reason: first === undefined ? "not TurnStartParams" : `${first.instancePath || "/"} ${first.message}` };
  }
  return { ok: true, value: value as TurnStartParams };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
