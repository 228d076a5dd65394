/**
 * A deliberately dumb peer for protocol-level tests: writes arbitrary bytes to the server's
 * stdin and reads whatever lines come back, so tests can send what no well-behaved client
 * would (broken JSON, wrong members, a missing handshake).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export class RawStdioPeer {
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;
  stderr = "";

  constructor(args: readonly string[]) {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    createInterface({ input: child.stdout }).on("line", (line) => {
      this.lines.push(line);
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.exited = once(child, "exit").then(([code]) => code as number | null);
  }

  private readonly child: ChildProcessWithoutNullStreams;

  write(raw: string | Buffer): void {
    this.child.stdin.write(raw);
  }

  send(message: unknown): void {
    this.write(`${JSON.stringify(message)}\n`);
  }

  /** The next line from stdout, parsed; fails after `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (Date.now() > deadline) throw new Error(`no output within ${timeoutMs} ms; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    const line = this.lines.shift() as string;
    return JSON.parse(line) as Record<string, unknown>;
  }

  /** Every line received so far and not yet consumed. */
  drainLines(): string[] {
    return this.lines.splice(0);
  }

  /** Ends stdin (EOF) and waits for the exit code. */
  async end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.child.kill(signal);
  }
}
