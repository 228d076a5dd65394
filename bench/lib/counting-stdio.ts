/**
 * A client transport to the server over its stdin/stdout, like the generated
 * `StdioChildTransport`, that also counts the bytes of each notification method it receives
 * (for figures such as "notification bytes per second"). Lines are split and parsed with the
 * runtime's own framing, so the client does the same work as over the stock transport.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { LineReadBuffer } from "../../generated/runtime/framing.js";
import { parseJsonText, type JsonRpcMessage } from "../../generated/runtime/jsonrpc.js";
import { LineWriter } from "../../generated/runtime/line-stream.js";
import type { Transport } from "../../generated/runtime/transport.js";

const METHOD_AT_START = /^\{"(?:jsonrpc":"2\.0",")?method":"([^"]+)"/;

export class CountingStdioTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;

  /** Bytes received per notification method (newlines included). */
  readonly notificationBytes = new Map<string, number>();
  private child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private writer: LineWriter | undefined;
  private readonly lines = new LineReadBuffer();

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  bytesOf(method: string): number {
    return this.notificationBytes.get(method) ?? 0;
  }

  async start(): Promise<void> {
    const child = spawn(this.command, [...this.args], { stdio: ["pipe", "pipe", "inherit"] });
    this.child = child;
    await once(child, "spawn");
    this.writer = new LineWriter(child.stdin);
    child.stdout.on("data", (chunk: Buffer) => {
      for (const event of this.lines.append(chunk)) {
        if (event.kind !== "line") {
          this.onerror?.(new Error(`unreadable line from the server: ${event.kind}`));
          continue;
        }
        const method = METHOD_AT_START.exec(event.line)?.[1];
        if (method !== undefined) this.notificationBytes.set(method, this.bytesOf(method) + Buffer.byteLength(event.line) + 1);
        const parsed = parseJsonText(event.line);
        if (parsed.ok) this.onmessage?.(parsed.value);
        else this.onerror?.(new Error(`unparsable line from the server: ${parsed.reason}`));
      }
    });
    child.once("close", () => this.onclose?.());
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.writer === undefined) throw new Error("not started");
    await this.writer.write(message);
  }

  /** Ends the server's stdin (its cue to exit) and waits; SIGKILL after 10 s. */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "close");
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
