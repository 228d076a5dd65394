/**
 * PostgreSQL prints jsonb as `{"a": 1, "b": [1, 2]}`; the store hands out compact JSON text
 * like the SQLite backend's json(). The text is compacted rather than parsed and printed
 * again, so that numbers keep every digit (a JS round trip would round 2^63 - 1).
 * Whitespace is dropped only outside strings; a string is `"` … `"` with `\x` escapes.
 */
const STRING_OR_WHITESPACE = /("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g;

export function compactJsonText(text: string): string {
  return text.replace(STRING_OR_WHITESPACE, (_match, quoted: string | undefined) => quoted ?? "");
}
