/**
 * `npm start` is how the README starts the server by hand; a supervisor or a terminal then
 * stops it by signalling npm. The signal must reach the server and end it cleanly — it used to
 * kill only npm's shell, leaving the server running, still answering /healthz.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { useTestResources } from "../support/reliability-resources.js";
import { REPO_ROOT } from "../support/server-process.js";

/** npm as the test run found it: `npm test` says where it is; otherwise whatever is on PATH. */
function npmCommand(): [string, ...string[]] | undefined {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /npm-cli\.js$/.test(execPath)) return [process.execPath, execPath];
  return spawnSync("npm", ["--version"], { stdio: "ignore" }).status === 0 ? ["npm"] : undefined;
}

/** Resolves with the WebSocket URL once the server says it listens. */
function listeningUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const url = /listening on (ws:\/\/\S+?)\/?,/.exec(stderr())?.[1];
      if (url !== undefined) {
        child.stderr?.off("data", look);
        resolve(url);
      }
    };
    child.stderr?.on("data", look);
    child.once("close", () => reject(new Error(`npm start ended before the server listened:\n${stderr()}`)));
  });
}

/** A hang bound: rejects (so that `finally` cleans up) when `promise` takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("signals sent to npm start reach the server", () => {
  const resources = useTestResources();
  const npm = npmCommand();

  it.for([
    ["SIGTERM to npm (a supervisor)", "SIGTERM", "npm"],
    ["SIGINT to npm's process group (Ctrl-C in a terminal: npm forwards it too)", "SIGINT", "group"],
  ] as const)("%s: the server shuts down cleanly and nothing is left running", async ([, signal, target], context) => {
    if (npm === undefined) return context.skip("needs npm on PATH");
    const [command, ...prefix] = npm;
    const child = spawn(command, [...prefix, "start", "--", "--listen", "ws://127.0.0.1:0", "--db", resources.dir.file("q.sqlite")], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as a terminal's foreground job has.
      detached: true,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout?.resume();
    // Every process holding npm's output pipes has exited: npm, its shell and the server.
    const closed = once(child, "close");
    const pid = child.pid;
    if (pid === undefined) throw new Error("npm did not start");
    try {
      const url = await listeningUrl(child, () => stderr);
      const healthz = `${url.replace(/^ws:/, "http:")}/healthz`;
      expect((await fetch(healthz)).status).toBe(200);

      process.kill(target === "group" ? -pid : pid, signal);
      await within(closed, 30_000, () => `npm start (or a process it started) still running 30 s after ${signal}:\n${stderr}`);
      expect(stderr).toContain(`[thread-queue-server] info: shutting down (${signal})`);
      expect(stderr).toContain("[thread-queue-server] info: stopped");
      await expect(fetch(healthz)).rejects.toThrow();
    } finally {
      // Whatever happened, nothing of this test outlives it.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
});
