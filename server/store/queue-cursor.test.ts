import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeQueueCursor, encodeQueueCursor } from "./queue-cursor.js";

describe("queue cursors", () => {
  it("round-trip every safe integer position", () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (order) => decodeQueueCursor(encodeQueueCursor(order)) === order));
  });

  it("reject anything this module did not produce", () => {
    const foreign = (text: string) => Buffer.from(text).toString("base64url");
    const cursors = [
      "",
      "not a cursor",
      "abc=",
      foreign("5"),
      foreign("qo1:"),
      foreign("qo1:05"),
      foreign("qo1:1.5"),
      foreign("qo1:1e3"),
      foreign("qo2:5"),
      foreign("qo1:99999999999999999999"),
      encodeQueueCursor(3).slice(0, -1),
    ];
    for (const cursor of cursors) {
      expect(decodeQueueCursor(cursor)).toBeNull();
    }
  });
});
