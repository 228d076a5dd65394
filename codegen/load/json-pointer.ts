/** JSON pointers (RFC 6901) as used in error locations and `$ref` fragments. */

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function joinPointer(base: string, ...tokens: readonly (string | number)[]): string {
  return base + tokens.map((token) => "/" + escapePointerToken(String(token))).join("");
}

/** The tokens of a pointer ("" → []); undefined when it does not start with "/". */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The pointer inside a `$ref` fragment ("#/definitions/Foo" → "/definitions/Foo"), with
 * URI percent-escapes decoded; undefined when the fragment is not a JSON pointer.
 */
export function pointerFromFragment(fragment: string): string | undefined {
  const raw = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return decoded === "" || decoded.startsWith("/") ? decoded : undefined;
}

/** The value at `tokens` inside `document` (no `$ref` following), or undefined. */
export function valueAtTokens(document: unknown, tokens: readonly string[]): unknown {
  let current: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isJsonObject(current)) {
      if (!Object.hasOwn(current, token)) return undefined;
      current = current[token];
    } else {
      return undefined;
    }
  }
  return current;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
