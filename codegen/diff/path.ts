/**
 * Paths name a place in a message the way a maintainer reads it:
 * `thread/queue/list › params › limit`, `… › queuedTurns[] › status › <type=failed> › error`.
 * Array items and map values are suffixes of the segment that holds them; union variants are
 * their own segment, labelled by tag value, title or position.
 */

export type PathSegment =
  | { readonly kind: "root"; readonly name: string }
  | { readonly kind: "property"; readonly name: string }
  | { readonly kind: "items" }
  | { readonly kind: "values" }
  | { readonly kind: "variant"; readonly label: string };

export const SEPARATOR = " › ";

export function formatPath(segments: readonly PathSegment[]): string {
  const parts: string[] = [];
  for (const segment of segments) {
    switch (segment.kind) {
      case "items":
      case "values": {
        const suffix = segment.kind === "items" ? "[]" : "{}";
        const last = parts.pop();
        parts.push(last === undefined ? suffix : last + suffix);
        break;
      }
      case "variant":
        parts.push(`<${segment.label}>`);
        break;
      default:
        parts.push(segment.name);
    }
  }
  return parts.join(SEPARATOR);
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function appendPointer(pointer: string, ...tokens: readonly (string | number)[]): string {
  return pointer + tokens.map((token) => `/${pointerToken(token)}`).join("");
}
