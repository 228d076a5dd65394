import type { UserInput } from "../../generated/types/v2/index.js";
import { RpcError } from "../../generated/runtime/errors.js";
import { ErrorCodes } from "../../generated/runtime/errors.js";

/** Upstream's limit for the text of one turn's input (codex_protocol MAX_USER_INPUT_TEXT_CHARS). */
export const DEFAULT_MAX_INPUT_CHARS = 1 << 20;

/**
 * Characters as upstream counts them: Unicode scalar values of the text items only
 * (Rust `str::chars().count()`), so an emoji counts once, not as two UTF-16 units.
 */
export function inputTextCharCount(input: readonly UserInput[]): number {
  let count = 0;
  for (const item of input) {
    if (item.type !== "text") continue;
    for (const _ of item.text) count += 1;
  }
  return count;
}

/**
 * Whether the text is within `maxChars` characters. A character is one or two UTF-16 units, so
 * text no longer than `maxChars` units needs no counting — the common case costs O(items).
 */
export function inputWithinLimit(input: readonly UserInput[], maxChars: number): boolean {
  let units = 0;
  for (const item of input) if (item.type === "text") units += item.text.length;
  return units <= maxChars || inputTextCharCount(input) <= maxChars;
}

/** Shared by `turn/start` and `thread/queue/add`: the same error as upstream's. */
export function assertInputWithinLimit(input: readonly UserInput[], maxChars: number): void {
  if (inputWithinLimit(input, maxChars)) return;
  const actual = inputTextCharCount(input);
  if (actual <= maxChars) return;
  throw new RpcError(
    ErrorCodes.InvalidParams,
    `Input exceeds the maximum length of ${maxChars} characters.`,
    { input_error_code: "input_too_large", actual_chars: actual, max_chars: maxChars },
  );
}

/**
 * The serialized params as a whole: text is not the only large field (image URLs, paths,
 * `outputSchema` are free-form), and everything stored must fit the answers that carry it.
 * `json` is the params as the server stores them (`JSON.stringify`); `what` names them in the
 * error (`turnStartParams`, or `thread/start params`, whose cwd and model are stored too).
 */
export function assertParamsWithinLimit(json: string, maxBytes: number, what = "turnStartParams"): void {
  // Cheap first: a UTF-8 byte count is at most three per UTF-16 unit.
  if (json.length * 3 <= maxBytes) return;
  const actual = Buffer.byteLength(json, "utf8");
  if (actual <= maxBytes) return;
  throw new RpcError(ErrorCodes.InvalidParams, `${what} exceeds the maximum size of ${maxBytes} bytes (--max-turn-params-bytes).`, {
    input_error_code: "params_too_large",
    actual_bytes: actual,
    max_bytes: maxBytes,
  });
}
