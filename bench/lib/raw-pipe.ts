/**
 * A minimal JSON-RPC client over the server's stdin/stdout, for the long memory benchmark:
 * one pending-map entry per request and nothing else (no timers, no schema checks), so the
 * benchmark process spends as little as possible of this 2-core machine and the server gets
 * the rest. The other server benchmarks use the generated client, as client teams would.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { SERVER_BIN } from "./paths.js";
import { serverNodeArgs } from "./server.js";

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class RawPipeClient {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffered = "";

  /**
   * `nodeArgs` go before the script (V8 and node flags); BENCH_SERVER_NODE_ARGS is added to
   * them. `entry` is the server's script: the repository's bin (tsx) unless given.
   */
  constructor(dbPath: string, extraArgs: readonly string[] = [], nodeArgs: readonly string[] = [], entry: string = SERVER_BIN) {
    this.child = spawn(process.execPath, [...nodeArgs, ...serverNodeArgs(), entry, "--db", dbPath, "--log-level", "warn", ...extraArgs], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => this.receive(chunk));
    this.child.once("exit", (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`server exited with ${String(code)}`));
      this.pending.clear();
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("the server process has no pid");
    return this.child.pid;
  }

  /** initialize + initialized with the experimental API, opting out of every notification. */
  async handshake(optOut: readonly string[]): Promise<void> {
    await this.request("initialize", {
      clientInfo: { name: "thread-queue-bench-raw", title: null, version: "1.0.0" },
      capabilities: { experimentalApi: true, optOutNotificationMethods: optOut },
    });
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "initialized" })}\n`);
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  /** Ends stdin (the server's signal to finish and exit) and waits for the exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.stdin.end();
    await exited;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf("\n")) !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const message = JSON.parse(line) as { id?: number; result?: unknown; error?: { code: number; message: string } };
      if (typeof message.id !== "number") continue; // a notification
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else waiter?.resolve(message.result);
    }
  }
}
