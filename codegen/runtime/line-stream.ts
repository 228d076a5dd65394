/// <reference types="node" />
/**
 * Newline-delimited JSON over Node streams, shared by the stdio transports of both sides:
 * a reader that turns a readable stream into `Transport` callbacks, and a writer that puts one
 * message per line on a writable stream without outrunning it.
 */
import type { Readable, Writable } from "node:stream";
import { connectionClosed } from "./errors.js";
import { deliverLineEvent, type FrameSink } from "./frame-decoding.js";
import { encodedLine, LineReadBuffer, serializeLine } from "./framing.js";
import type { JsonRpcMessage } from "./jsonrpc.js";
import { TickCork } from "./tick-cork.js";

export interface LineReaderHandlers extends FrameSink {
  /** End of input (EOF or the stream closed); called once, after the last message. */
  end(): void;
  error(error: Error): void;
}

/** Starts reading; returns a function that stops it (without calling `end`). */
export function readLines(
  input: Readable,
  handlers: LineReaderHandlers,
  maxLineBytes?: number,
): () => void {
  const buffer = new LineReadBuffer(maxLineBytes === undefined ? {} : { maxLineBytes });
  let ended = false;
  const onData = (chunk: Buffer | string): void => {
    for (const event of buffer.append(chunk)) deliverLineEvent(event, handlers);
  };
  const onEnd = (): void => {
    if (ended) return;
    ended = true;
    for (const event of buffer.end()) deliverLineEvent(event, handlers);
    handlers.end();
  };
  const onError = (error: Error): void => handlers.error(error);
  const detach = (): void => {
    input.off("data", onData);
    input.off("end", onEnd);
    input.off("close", onEnd);
    input.off("error", onError);
  };
  input.on("data", onData);
  input.on("end", onEnd);
  // A stream destroyed without 'end' (a killed child, a reset pipe) still ends the input.
  input.on("close", onEnd);
  input.on("error", onError);
  return detach;
}

/**
 * Writes lines in order. Each `write` resolves once the stream has accepted the line; while
 * the stream's buffer is full, later writes wait for 'drain' instead of piling up in memory.
 */
export class LineWriter {
  private readonly output: Writable;
  private ready: Promise<void> = Promise.resolve();
  private closedReason: Error | undefined;
  /** Lines the stream accepted but has not yet reported as written. */
  private readonly unflushed = new Set<Promise<void>>();
  /** Lines written in one synchronous run leave together (see tick-cork.ts). */
  private readonly cork: TickCork;

  constructor(output: Writable) {
    this.output = output;
    this.cork = new TickCork(output);
  }

  write(message: JsonRpcMessage): Promise<void> {
    return this.writeLine(() => serializeLine(message));
  }

  /** Like `write`, for a message already serialized with `JSON.stringify` and encoded as UTF-8. */
  writeSerialized(message: Uint8Array): Promise<void> {
    return this.writeLine(() => encodedLine(message));
  }

  private writeLine(serialize: () => string | readonly Uint8Array[]): Promise<void> {
    let line: string | readonly Uint8Array[];
    try {
      line = serialize();
    } catch (error) {
      return Promise.reject(error);
    }
    const written = this.ready.then(() => this.writeNow(line));
    // The next write waits for this one's turn, but not for its failure.
    this.ready = written.catch(() => undefined);
    return written;
  }

  /** Resolves when every write so far has been flushed by the stream (or has failed). */
  async flush(): Promise<void> {
    await this.ready;
    await Promise.all(this.unflushed);
  }

  private writeNow(line: string | readonly Uint8Array[]): Promise<void> {
    const output = this.output;
    if (this.closedReason) return Promise.reject(this.closedReason);
    if (output.destroyed || output.writableEnded) {
      this.closedReason = connectionClosed("output stream is closed");
      return Promise.reject(this.closedReason);
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error | null): void => {
        if (settled) return;
        settled = true;
        output.off("drain", onDrain);
        output.off("close", onClose);
        if (error) {
          this.closedReason = error;
          reject(error);
        } else resolve();
      };
      const onDrain = (): void => finish();
      const onClose = (): void => finish(connectionClosed("output stream closed"));
      let flushed!: () => void;
      const whenFlushed = new Promise<void>((resolveFlushed) => (flushed = resolveFlushed));
      this.unflushed.add(whenFlushed);
      void whenFlushed.then(() => this.unflushed.delete(whenFlushed));
      const chunks = typeof line === "string" ? [line] : line;
      this.cork.hold();
      // Chunks of one line go out back to back; the last one's callback says it was flushed.
      for (const chunk of chunks.slice(0, -1)) output.write(chunk);
      const accepted = output.write(chunks[chunks.length - 1] ?? "", (error) => {
        flushed();
        if (error) finish(error);
      });
      if (accepted) {
        finish();
      } else {
        output.on("drain", onDrain);
        output.on("close", onClose);
      }
    });
  }
}
