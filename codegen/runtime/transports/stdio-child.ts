/// <reference types="node" />
/**
 * Client transport that spawns the server as a child process and speaks newline-delimited
 * JSON over its stdin and stdout. The child's stderr is its log: passed through to ours by
 * default, or collected (bounded) for tests and error reports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connectionClosed } from "../errors.js";
import type { JsonRpcMessage } from "../jsonrpc.js";
import { LineWriter, readLines } from "../line-stream.js";
import { reportFrameError, type Transport } from "../transport.js";

export interface StdioChildTransportOptions {
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** "inherit" (default) passes stderr through, "collect" keeps its tail, "ignore" drops it. */
  stderr?: "inherit" | "collect" | "ignore";
  /** With "collect": how many characters of stderr to keep (the most recent). */
  stderrLimit?: number;
  maxLineBytes?: number;
  /** How long `close()` waits for the child to exit after ending its stdin before SIGTERM. */
  closeTimeoutMs?: number;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const DEFAULT_STDERR_LIMIT = 64 * 1024;

export class StdioChildTransport implements Transport {
  onmessage?: (message: unknown, text?: string) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private readonly options: StdioChildTransportOptions;
  private child: ChildProcess | undefined;
  private writer: LineWriter | undefined;
  private collected = "";
  private exited: Promise<void> | undefined;
  private closed = false;
  private closeNotified = false;
  private closing: Promise<void> | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(options: StdioChildTransportOptions) {
    this.options = options;
  }

  /** What the child wrote to stderr (with `stderr: "collect"`), most recent last. */
  get stderrOutput(): string {
    return this.collected;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The child's exit code and signal, once it has exited. */
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("StdioChildTransport already started");
    const mode = this.options.stderr ?? "inherit";
    const child = spawn(this.options.command, [...(this.options.args ?? [])], {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      stdio: ["pipe", "pipe", mode === "collect" ? "pipe" : mode],
      windowsHide: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once("close", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });

    const spawned = once(child, "spawn");
    await spawned.catch((error: unknown) => {
      this.closed = true;
      throw error;
    });
    child.on("error", (error) => this.onerror?.(error));
    child.stdin!.on("error", (error) => {
      // EPIPE when the child is gone: the close event reports that; no need to shout twice.
      if ((error as NodeJS.ErrnoException).code !== "EPIPE") this.onerror?.(error);
    });
    if (mode === "collect") {
      const limit = this.options.stderrLimit ?? DEFAULT_STDERR_LIMIT;
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        this.collected = (this.collected + chunk).slice(-limit);
      });
    }
    this.writer = new LineWriter(child.stdin!);
    readLines(
      child.stdout!,
      {
        message: (value, text) => this.onmessage?.(value, text),
        frameError: (error) => reportFrameError(this, error),
        error: (error) => this.onerror?.(error),
        end: () => {},
      },
      this.options.maxLineBytes,
    );
    void this.exited.then(() => this.markClosed());
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.closed || !this.writer) throw connectionClosed();
    await this.writer.write(message);
  }

  /**
   * Ends the child's stdin, which a well-behaved server takes as its cue to exit; escalates to
   * SIGTERM, then SIGKILL, each after `closeTimeoutMs`.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) {
      this.markClosed();
      return;
    }
    this.closed = true;
    if (this.exitInfo) return;
    child.stdin?.end();
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    if (await exitsWithin(this.exited, timeoutMs)) return;
    child.kill("SIGTERM");
    if (await exitsWithin(this.exited, timeoutMs)) return;
    child.kill("SIGKILL");
    await this.exited;
  }

  private markClosed(): void {
    this.closed = true;
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.onclose?.();
  }
}

async function exitsWithin(exited: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([exited.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
