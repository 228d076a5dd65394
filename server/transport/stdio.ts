/**
 * Server transport over stdin/stdout: newline-delimited JSON, one message per line.
 *
 * stdout carries protocol messages and nothing else — logs go to stderr — so a client can
 * read it without filtering. End of stdin means no more requests: the transport reports
 * `onclose` after delivering every complete message it read, but stdout stays writable until
 * `close()`, so that answers to requests already read still reach a client that half-closed
 * (`printf '…' | server`).
 */
import type { Readable, Writable } from "node:stream";
import { connectionClosed } from "../../generated/runtime/errors.js";
import type { JsonRpcMessage } from "../../generated/runtime/jsonrpc.js";
import { LineWriter, readLines } from "../../generated/runtime/line-stream.js";
import { reportFrameError, type Transport } from "../../generated/runtime/transport.js";

export interface StdioServerTransportOptions {
  /** Defaults to process.stdin; injectable for tests. */
  input?: Readable;
  /** Defaults to process.stdout; injectable for tests. */
  output?: Writable;
  /** Longest accepted line in bytes; a longer one is answered with -32700 and skipped. */
  maxLineBytes?: number;
}

export class StdioServerTransport implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;
  readonly peerName = "the stdio client";

  private readonly input: Readable;
  private readonly writer: LineWriter;
  private readonly output: Writable;
  private readonly maxLineBytes: number | undefined;
  private stopReading: (() => void) | undefined;
  private started = false;
  private inputEnded = false;
  private closeCalled = false;
  private outputFailed = false;

  constructor(options: StdioServerTransportOptions = {}) {
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.writer = new LineWriter(this.output);
    this.maxLineBytes = options.maxLineBytes;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("StdioServerTransport already started");
    this.started = true;
    this.output.on("error", this.onOutputError);
    this.stopReading = readLines(
      this.input,
      {
        message: (value, text) => this.onmessage?.(value, text),
        frameError: (error) => reportFrameError(this, error),
        error: (error) => this.onerror?.(error),
        end: () => this.endInput(),
      },
      this.maxLineBytes,
    );
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.closeCalled || this.outputFailed) throw connectionClosed();
    await this.writer.write(message);
  }

  async sendSerialized(message: Uint8Array): Promise<void> {
    if (this.closeCalled || this.outputFailed) throw connectionClosed();
    await this.writer.writeSerialized(message);
  }

  /** Stops reading stdin (the peer's writes then wait in the pipe) until `resumeInput`. */
  pauseInput(): void {
    if (!this.inputEnded) this.input.pause();
  }

  resumeInput(): void {
    if (!this.inputEnded) this.input.resume();
  }

  /** stdout belongs to the process and stays open; this connection just ends (no more input or output). */
  abort(_reason: string): void {
    this.outputFailed = true;
    this.endInput();
  }

  /**
   * Stops reading and waits for queued writes. stdout itself stays open: it belongs to the
   * process, and ending it would lose anything written after (e.g. by a shutdown hook).
   */
  async close(): Promise<void> {
    if (this.closeCalled) return;
    this.closeCalled = true;
    this.endInput();
    // After abort() nobody reads stdout: waiting for it to drain would wait forever.
    if (!this.outputFailed) await this.writer.flush();
  }

  private readonly onOutputError = (error: Error): void => {
    // EPIPE: the reader went away; that is the end of this connection, not a crash.
    if ((error as NodeJS.ErrnoException).code !== "EPIPE") this.onerror?.(error);
    this.outputFailed = true;
    this.endInput();
  };

  private endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.stopReading?.();
    this.input.pause();
    this.onclose?.();
  }
}
