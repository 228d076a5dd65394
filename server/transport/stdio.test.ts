import { PassThrough, Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { RpcError } from "../../generated/runtime/errors.js";
import { StdioServerTransport } from "./stdio.js";

async function setup(maxLineBytes?: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new StdioServerTransport({ input, output, ...(maxLineBytes ? { maxLineBytes } : {}) });
  const messages: unknown[] = [];
  const frameErrors: RpcError[] = [];
  const closed = vi.fn();
  transport.onmessage = (message) => messages.push(message);
  transport.onframeerror = (error) => frameErrors.push(error);
  transport.onclose = closed;
  await transport.start();
  let written = "";
  output.setEncoding("utf8");
  output.on("data", (chunk: string) => (written += chunk));
  return { input, output, transport, messages, frameErrors, closed, written: () => written };
}

describe("StdioServerTransport", () => {
  it("delivers one parsed message per line, across chunk boundaries and CRLF", async () => {
    const { input, messages } = await setup();
    input.write('{"id":1,"method":"initialize","params":{"clientInfo":{"name":"é');
    input.write(Buffer.from([0xc3]));
    input.write(Buffer.from([0xa9]));
    input.write('"}}}\r\n\n{"method":"initialized"}\n');
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    expect(messages).toEqual([
      { id: 1, method: "initialize", params: { clientInfo: { name: "éé" } } },
      { method: "initialized" },
    ]);
  });

  it("turns unparsable, non-UTF-8 and oversized lines into -32700 frame errors and keeps reading", async () => {
    const { input, messages, frameErrors } = await setup(64);
    input.write("{oops\n");
    input.write(Buffer.from([0xff, 0x0a]));
    input.write(`${"x".repeat(100)}\n`);
    input.write('{"method":"still/alive"}\n');
    await vi.waitFor(() => expect(messages).toEqual([{ method: "still/alive" }]));
    expect(frameErrors.map((e) => e.code)).toEqual([-32700, -32700, -32700]);
    expect(frameErrors[1]!.message).toBe("Parse error: message is not valid UTF-8");
    expect(frameErrors[2]!.message).toBe("Parse error: message exceeds the limit of 64 bytes");
  });

  it("stops delivering while input is paused (the peer's writes wait in the pipe) and resumes in order", async () => {
    const { input, messages, transport } = await setup();
    transport.pauseInput();
    input.write('{"n":1}\n{"n":2}\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages).toEqual([]);
    transport.resumeInput();
    await vi.waitFor(() => expect(messages).toEqual([{ n: 1 }, { n: 2 }]));
  });

  it("sends a message serialized by the caller as one line, refusing one with a raw newline", async () => {
    const { transport, written } = await setup();
    await transport.sendSerialized(Buffer.from('{"id":1,"result":{}}'));
    await expect(transport.sendSerialized(Buffer.from('{"id":2,\n"result":{}}'))).rejects.toThrow("serialized message contains a raw newline");
    await vi.waitFor(() => expect(written()).toBe('{"id":1,"result":{}}\n'));
  });

  it("hands invalid-but-parsable JSON up as a message, for the dispatcher to classify", async () => {
    const { input, messages } = await setup();
    input.write("[1,2]\n42\n");
    await vi.waitFor(() => expect(messages).toEqual([[1, 2], 42]));
  });

  it("writes exactly one line per message and nothing else", async () => {
    const { transport, written } = await setup();
    await transport.send({ id: 1, result: { text: "two\nlines" } });
    await transport.send({ method: "thread/queue/changed", params: { threadId: "t", queuedTurns: [] } });
    await vi.waitFor(() => expect(written().split("\n")).toHaveLength(3));
    expect(written()).toBe(
      '{"id":1,"result":{"text":"two\\nlines"}}\n{"method":"thread/queue/changed","params":{"threadId":"t","queuedTurns":[]}}\n',
    );
  });

  it("closes on stdin EOF after the last message (even without a final newline), yet can still answer", async () => {
    const { input, transport, messages, closed, written } = await setup();
    input.end('{"id":1,"method":"a"}\n{"id":2,"method":"b"}');
    await vi.waitFor(() => expect(closed).toHaveBeenCalledTimes(1));
    expect(messages).toEqual([
      { id: 1, method: "a" },
      { id: 2, method: "b" },
    ]);
    await transport.send({ id: 2, result: null });
    await vi.waitFor(() => expect(written()).toBe('{"id":2,"result":null}\n'));
  });

  it("refuses to send after close() and reports onclose once", async () => {
    const { input, transport, closed } = await setup();
    await transport.close();
    await transport.close();
    input.end();
    await expect(transport.send({ method: "x" })).rejects.toMatchObject({ code: -31002 });
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it("waits for the output to drain instead of piling up writes", async () => {
    const pendingCallbacks: Array<() => void> = [];
    const chunks: string[] = [];
    const output = new Writable({
      highWaterMark: 8,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString("utf8"));
        pendingCallbacks.push(() => callback());
      },
    });
    const input = new PassThrough();
    const transport = new StdioServerTransport({ input, output });
    await transport.start();
    const settled: string[] = [];
    const first = transport.send({ method: "first/message/larger/than/the/buffer" }).then(() => settled.push("first"));
    const second = transport.send({ method: "second" }).then(() => settled.push("second"));
    // The first line filled the buffer and is not flushed: neither send is done, the second
    // line is not even handed to the stream yet.
    await vi.waitFor(() => expect(chunks).toHaveLength(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toHaveLength(1);
    expect(settled).toEqual([]);
    pendingCallbacks.shift()!();
    await vi.waitFor(() => expect(chunks).toHaveLength(2));
    pendingCallbacks.shift()!();
    await Promise.all([first, second]);
    expect(settled).toEqual(["first", "second"]);
    expect(chunks).toEqual(['{"method":"first/message/larger/than/the/buffer"}\n', '{"method":"second"}\n']);
  });
});
