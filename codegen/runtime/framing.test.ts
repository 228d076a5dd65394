import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineReadBuffer, serializeLine, type LineEvent } from "./framing.js";

const lines = (events: LineEvent[]): string[] =>
  events.flatMap((event) => (event.kind === "line" ? [event.line] : []));

describe("LineReadBuffer", () => {
  it("yields a line only once its newline has arrived", () => {
    const buffer = new LineReadBuffer();
    expect(buffer.append('{"method":')).toEqual([]);
    expect(buffer.append('"a"}\n{"met')).toEqual([{ kind: "line", line: '{"method":"a"}' }]);
    expect(buffer.append('hod":"b"}\n')).toEqual([{ kind: "line", line: '{"method":"b"}' }]);
    expect(buffer.pendingBytes).toBe(0);
  });

  it("strips one trailing carriage return (CRLF peers)", () => {
    const buffer = new LineReadBuffer();
    expect(lines(buffer.append("a\r\nb\r\n\r\n"))).toEqual(["a", "b", ""]);
  });

  it("decodes a multi-byte character split between chunks", () => {
    const bytes = Buffer.from('{"text":"héllo 😀 wörld"}\n', "utf8");
    const emoji = bytes.indexOf(0xf0);
    const buffer = new LineReadBuffer();
    const events = [
      ...buffer.append(bytes.subarray(0, emoji + 1)),
      ...buffer.append(bytes.subarray(emoji + 1, emoji + 3)),
      ...buffer.append(bytes.subarray(emoji + 3)),
    ];
    expect(lines(events)).toEqual(['{"text":"héllo 😀 wörld"}']);
  });

  it("reports invalid UTF-8 for that line and keeps reading", () => {
    const buffer = new LineReadBuffer();
    const events = buffer.append(Buffer.concat([Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from("ok\n")]));
    expect(events).toEqual([{ kind: "invalid-utf8" }, { kind: "line", line: "ok" }]);
  });

  it("reports an oversized line once, drops it up to its newline, then carries on", () => {
    const buffer = new LineReadBuffer({ maxLineBytes: 8 });
    expect(buffer.append("12345")).toEqual([]);
    expect(buffer.append("6789")).toEqual([{ kind: "oversized", limit: 8 }]);
    expect(buffer.pendingBytes).toBe(0);
    expect(buffer.append("more and more bytes of the same line")).toEqual([]);
    expect(buffer.pendingBytes).toBe(0);
    expect(buffer.append("…still\nshort\n")).toEqual([{ kind: "line", line: "short" }]);
  });

  it("accepts a line of exactly the limit", () => {
    const buffer = new LineReadBuffer({ maxLineBytes: 4 });
    expect(buffer.append("abcd\nabcde\nok\n")).toEqual([
      { kind: "line", line: "abcd" },
      { kind: "oversized", limit: 4 },
      { kind: "line", line: "ok" },
    ]);
  });

  it("never holds more than the limit, however the input is chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }), (chunks) => {
        const buffer = new LineReadBuffer({ maxLineBytes: 16 });
        for (const chunk of chunks) {
          buffer.append(chunk);
          expect(buffer.pendingBytes).toBeLessThanOrEqual(16);
        }
      }),
    );
  });

  it("hands back a final line without newline at end of input", () => {
    const buffer = new LineReadBuffer();
    buffer.append("a\nlast");
    expect(buffer.end()).toEqual([{ kind: "line", line: "last" }]);
    expect(buffer.end()).toEqual([]);
  });

  it("does not hand back the rest of an oversized line at end of input", () => {
    const buffer = new LineReadBuffer({ maxLineBytes: 2 });
    expect(buffer.append("abc")).toEqual([{ kind: "oversized", limit: 2 }]);
    expect(buffer.end()).toEqual([]);
  });

  it("round-trips serialized messages split at arbitrary points", () => {
    const message = fc.record({
      method: fc.string({ minLength: 1 }),
      params: fc.dictionary(fc.string(), fc.string({ unit: "binary" })),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (messages, cuts) => {
        const bytes = Buffer.from(messages.map((m) => serializeLine(m)).join(""), "utf8");
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const buffer = new LineReadBuffer();
        const events: LineEvent[] = [];
        let previous = 0;
        for (const point of [...points, bytes.length]) {
          events.push(...buffer.append(bytes.subarray(previous, point)));
          previous = point;
        }
        expect(lines(events).map((line) => JSON.parse(line) as unknown)).toEqual(messages);
      }),
    );
  });

  it("rejects a limit that is not a positive integer", () => {
    expect(() => new LineReadBuffer({ maxLineBytes: 0 })).toThrow(RangeError);
  });
});

describe("serializeLine", () => {
  it("writes one line, escaping newlines and control characters inside strings", () => {
    const line = serializeLine({ method: "x", params: { text: "a\nb\r\u0000\u2028" } });
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r\u0000]/);
    expect(JSON.parse(line)).toEqual({ method: "x", params: { text: "a\nb\r\u0000\u2028" } });
  });

  it("refuses a value JSON cannot represent", () => {
    expect(() => serializeLine({ method: "x", params: { n: 1n } as unknown })).toThrow(TypeError);
  });
});
