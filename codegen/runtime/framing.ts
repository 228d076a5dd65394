/**
 * Newline-delimited framing for stdio: bytes in, lines out, with a bound on line size.
 *
 * Lines are collected as bytes and decoded only once complete: a "\n" byte never occurs inside
 * a multi-byte UTF-8 sequence, so a character split across chunks needs no special care, and
 * invalid UTF-8 is seen for the whole line at once. An oversized line is reported as soon as it
 * passes the limit and its remaining bytes are dropped up to the next "\n", so the reader never
 * holds more than the limit and the connection can answer and carry on.
 */
import { serializeMessage, type JsonRpcMessage } from "./jsonrpc.js";

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export type LineEvent =
  | { kind: "line"; line: string }
  /** The line passed `limit` bytes; it is discarded up to its newline. Reported once. */
  | { kind: "oversized"; limit: number }
  | { kind: "invalid-utf8" };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface LineReadBufferOptions {
  /** Maximum bytes of one line, without its "\n". */
  maxLineBytes?: number;
}

export class LineReadBuffer {
  readonly maxLineBytes: number;
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  constructor(options: LineReadBufferOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${max}`);
    }
    this.maxLineBytes = max;
  }

  /** Bytes of the incomplete line currently held. */
  get pendingBytes(): number {
    return this.size;
  }

  /** Feeds a chunk; returns the events it completes, in order. */
  append(chunk: Buffer | Uint8Array | string): LineEvent[] {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const events: LineEvent[] = [];
    let start = 0;
    while (start <= bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.take(bytes.subarray(start, end), events);
      if (newline === -1) break;
      this.finishLine(events);
      start = newline + 1;
    }
    return events;
  }

  /**
   * At end of input: a last line without its "\n" still counts (peers that end with a
   * partial line meant it as a message).
   */
  end(): LineEvent[] {
    const events: LineEvent[] = [];
    if (this.size > 0 && !this.discarding) this.finishLine(events);
    this.reset();
    return events;
  }

  private take(piece: Buffer, events: LineEvent[]): void {
    if (piece.length === 0 || this.discarding) return;
    if (this.size + piece.length > this.maxLineBytes) {
      events.push({ kind: "oversized", limit: this.maxLineBytes });
      this.parts = [];
      this.size = 0;
      this.discarding = true;
      return;
    }
    // A copy, so that a small tail does not keep a large chunk alive.
    this.parts.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private finishLine(events: LineEvent[]): void {
    if (this.discarding) {
      this.reset();
      return;
    }
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.reset();
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    try {
      events.push({ kind: "line", line: this.decoder.decode(bytes) });
    } catch {
      events.push({ kind: "invalid-utf8" });
    }
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.discarding = false;
  }
}

/**
 * One message as one line (its attached JSON text, if serialised ahead of time — see
 * `withSerializedJson`). JSON.stringify escapes every control character inside strings, so a
 * raw newline can only appear if something is badly wrong; refuse rather than corrupt the
 * stream.
 */
export function serializeLine(message: JsonRpcMessage): string {
  const json = serializeMessage(message);
  if (typeof json !== "string") throw new TypeError("message is not JSON-serializable");
  if (json.includes("\n")) throw new Error("serialized message contains a raw newline");
  return `${json}\n`;
}
