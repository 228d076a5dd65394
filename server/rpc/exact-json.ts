/**
 * Whether JSON text says exactly what `JSON.parse` made of it. Two things are silently changed
 * by a JavaScript parse, and the server refuses them instead of storing something the client
 * did not send (docs/guarantees.md › Bad input):
 *
 * - a repeated key in an object (the last one wins) — serde_json refuses a repeated field of a
 *   struct, so upstream refuses e.g. a second `turnStartParams.threadId`;
 * - a number whose value a 64-bit float cannot keep: out of range (`1e309` → Infinity, sent
 *   back as null; serde_json refuses it too), more digits than a double holds
 *   (`9007199254740993` → …992), an underflow (`1e-400` → 0), negative zero (`-0` → 0).
 *
 * A number is kept when the shortest decimal of the parsed double (what `JSON.stringify` sends
 * back) has the same value as the text: `1.0`, `1e2` and `0.1` are kept (sent back as `1`,
 * `100`, `0.1`). The scan is one pass over text that `JSON.parse` already accepted, iterative
 * (no recursion, whatever the depth), with string contents skipped by `indexOf`.
 */

export interface InexactJson {
  /** JSON pointer to the offending member or number within the whole message. */
  readonly pointer: string;
  /** "duplicate key \"threadId\"", "number 1e309 is out of range", … */
  readonly problem: string;
}

type Frame =
  | { readonly kind: "object"; keys: Set<string> | undefined; key: string | undefined; expectKey: boolean }
  | { kind: "array"; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function findInexactJson(text: string): InexactJson | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x7b /* { */) {
      stack.push({ kind: "object", keys: undefined, key: undefined, expectKey: true });
      i += 1;
    } else if (c === 0x5b /* [ */) {
      stack.push({ kind: "array", index: 0 });
      i += 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i += 1;
    } else if (c === 0x2c /* , */) {
      if (top?.kind === "array") top.index += 1;
      else if (top?.kind === "object") top.expectKey = true;
      i += 1;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top?.kind === "object" && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        top.keys ??= new Set();
        if (top.keys.has(key)) return { pointer: pointerOf(stack, key), problem: `duplicate key ${JSON.stringify(key)}` };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end += 1;
      const literal = text.slice(i, end);
      const problem = numberProblem(literal);
      if (problem !== undefined) return { pointer: pointerOf(stack), problem };
      i = end;
    } else {
      // `:`, whitespace, and the letters of true / false / null.
      i += 1;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e /* . */ || c === 0x65 || c === 0x45 /* e E */ || c === 0x2b || c === 0x2d /* + - */;
}

/** Plain integers of up to 15 digits are always kept exactly (a double holds 15.95 digits). */
const SAFE_INTEGER = /^-?[1-9]\d{0,14}$|^0$/;

export function numberProblem(literal: string): string | undefined {
  if (SAFE_INTEGER.test(literal)) return undefined;
  const value = Number(literal);
  if (!Number.isFinite(value)) return `number ${literal} is out of range for a 64-bit float`;
  const readBack = JSON.stringify(value);
  if (sameDecimal(literal, readBack)) return undefined;
  return `number ${literal} cannot be kept exactly: it would be read as ${Object.is(value, -0) ? "-0, which JSON sends back as 0" : readBack}`;
}

/** Compares two JSON number literals as decimal values (sign included, so -0 ≠ 0). */
function sameDecimal(a: string, b: string): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.negative === y.negative && x.digits === y.digits && x.exponent === y.exponent;
}

/** value = (negative ? -1 : 1) × 0.digits × 10^exponent, digits without leading or trailing zeros. */
function normalize(literal: string): { negative: boolean; digits: string; exponent: number } {
  const negative = literal.startsWith("-");
  const unsigned = negative ? literal.slice(1) : literal;
  const e = unsigned.search(/[eE]/);
  const mantissa = e === -1 ? unsigned : unsigned.slice(0, e);
  const power = e === -1 ? 0 : Number(unsigned.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const whole = dot === -1 ? mantissa : mantissa.slice(0, dot);
  const all = dot === -1 ? mantissa : whole + mantissa.slice(dot + 1);
  const leading = all.length - all.replace(/^0+/, "").length;
  const digits = all.slice(leading).replace(/0+$/, "");
  if (digits === "") return { negative, digits: "", exponent: 0 };
  return { negative, digits, exponent: whole.length - leading + power };
}

function pointerOf(stack: readonly Frame[], lastKey?: string): string {
  const parts: string[] = [];
  stack.forEach((frame, index) => {
    const isLast = index === stack.length - 1;
    if (frame.kind === "array") parts.push(String(frame.index));
    else if (isLast && lastKey !== undefined) parts.push(lastKey);
    else if (frame.key !== undefined) parts.push(frame.key);
  });
  return parts.map((part) => `/${part.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
