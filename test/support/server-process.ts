/**
 * Runs the real server process for end-to-end tests: `bin/thread-queue-server.js`, exactly
 * what a stdio client spawns, with its own temporary database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { once } from "node:events";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const SERVER_BIN = join(REPO_ROOT, "bin/thread-queue-server.js");

/** A temporary folder for one test's database; removed by `dispose`. */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), "thread-queue-test-"));
  file(name: string): string {
    return join(this.path, name);
  }
  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Arguments for a stdio server with its own database. */
export function stdioServerArgs(dbPath: string, extra: readonly string[] = []): string[] {
  return [SERVER_BIN, "--db", dbPath, "--log-level", "warn", ...extra];
}

const START_TIMEOUT_MS = 30_000;

/** A WebSocket server process listening on a free loopback port. */
export class WebSocketServerProcess {
  private stderrText = "";

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrText += chunk.toString("utf8");
    });
  }

  static async start(dbPath: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<WebSocketServerProcess> {
    const child = spawn(process.execPath, [SERVER_BIN, "--db", dbPath, "--listen", "ws://127.0.0.1:0", ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
      env,
    });
    let seen = "";
    const url = await new Promise<string>((resolveUrl, reject) => {
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString("utf8");
        const match = /listening on (ws:\/\/\S+?)\/?,/.exec(seen);
        if (match?.[1] !== undefined) {
          child.stderr?.off("data", onData);
          resolveUrl(match[1]);
        }
      };
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`server exited with ${String(code)} before listening:\n${seen}`)));
      // A server that never announces its address must not outlive the test that started it.
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`server did not announce a listening address within ${START_TIMEOUT_MS} ms:\n${seen}`));
      }, START_TIMEOUT_MS);
      child.once("exit", () => clearTimeout(timer));
      child.stderr?.on("data", () => {
        if (/listening on /.test(seen)) clearTimeout(timer);
      });
    });
    const server = new WebSocketServerProcess(child, url);
    server.stderrText = seen;
    return server;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get httpUrl(): string {
    return this.url.replace(/^ws:/, "http:");
  }

  /** SIGTERM and wait: a clean shutdown. */
  async stop(): Promise<number | null> {
    // A process that already ended (exited, or was killed by a test) has nothing left to stop.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, "exit");
    this.child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    return code;
  }

  /** SIGKILL: a crash. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.kill("SIGKILL");
    await exited;
  }
}
