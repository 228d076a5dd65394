import { PassThrough, Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { RpcError } from "./errors.js";
import { LineWriter, readLines } from "./line-stream.js";

/** A stream that holds every write until the test releases it. */
function heldStream() {
  const held: Array<() => void> = [];
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      held.push(() => callback());
    },
  });
  return { stream, held, chunks };
}

describe("LineWriter", () => {
  it("flush() waits until the stream has written every line", async () => {
    const { stream, held, chunks } = heldStream();
    const writer = new LineWriter(stream);
    await writer.write({ method: "a" });
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    held.shift()!();
    await flushing;
    expect(chunks).toEqual(['{"method":"a"}\n']);
  });

  it("rejects writes once the stream is destroyed", async () => {
    const stream = new PassThrough();
    const writer = new LineWriter(stream);
    stream.destroy();
    await expect(writer.write({ method: "x" })).rejects.toMatchObject({ code: -31002 });
  });

  it("rejects a message JSON cannot carry without blocking later writes", async () => {
    const stream = new PassThrough();
    const writer = new LineWriter(stream);
    await expect(writer.write({ method: "x", params: { n: 1n } as unknown })).rejects.toThrow(TypeError);
    await writer.write({ method: "y" });
    await writer.flush();
    expect(String(stream.read())).toBe('{"method":"y"}\n');
  });

  it("sends lines written together (one run of code and its promise continuations) in one write, in order", async () => {
    const calls: string[][] = [];
    const stream = new Writable({
      writev(chunks, callback) {
        calls.push(chunks.map(({ chunk }) => String(chunk)));
        callback();
      },
      write(chunk: Buffer, _encoding, callback) {
        calls.push([String(chunk)]);
        callback();
      },
    });
    const writer = new LineWriter(stream);
    const encoded = new TextEncoder().encode('{"method":"c"}');
    await Promise.all([writer.write({ method: "a" }), writer.write({ method: "b" }), writer.writeSerialized(encoded)]);
    await writer.flush();
    expect(calls).toEqual([['{"method":"a"}\n', '{"method":"b"}\n', '{"method":"c"}', "\n"]]);
    // A line written after that run is a write of its own.
    await writer.write({ method: "d" });
    await writer.flush();
    expect(calls.at(-1)).toEqual(['{"method":"d"}\n']);
  });
});

describe("readLines", () => {
  it("delivers messages and frame errors in order, then end once", async () => {
    const input = new PassThrough();
    const events: string[] = [];
    readLines(input, {
      message: (value) => events.push(`message ${JSON.stringify(value)}`),
      frameError: (error: RpcError) => events.push(`frame ${error.code}`),
      error: (error) => events.push(`error ${error.message}`),
      end: () => events.push("end"),
    });
    input.end('{"a":1}\n\n   \nnope\n{"b":2}');
    await vi.waitFor(() => expect(events.at(-1)).toBe("end"));
    expect(events).toEqual(['message {"a":1}', "frame -32700", 'message {"b":2}', "end"]);
  });

  it("stops delivering once detached", async () => {
    const input = new PassThrough();
    const messages: unknown[] = [];
    const detach = readLines(input, {
      message: (value) => messages.push(value),
      frameError: () => {},
      error: () => {},
      end: () => messages.push("end"),
    });
    input.write("1\n");
    await vi.waitFor(() => expect(messages).toEqual([1]));
    detach();
    input.end("2\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(messages).toEqual([1]);
  });
});
