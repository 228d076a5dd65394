/**
 * Per-test resources for the reliability tests (kept apart from reliability-server.ts, which
 * the soak script imports outside vitest).
 */
import { afterEach, beforeEach } from "vitest";
import { startStdioClient } from "./reliability-server.js";
import { persistThread } from "./reliability-db.js";
import { TempDir, WebSocketServerProcess } from "./server-process.js";
import type { TestClient } from "./test-client.js";

/**
 * Per test: a fresh temporary folder, and the stdio clients started in it, closed (and the
 * folder removed) when the test ends. Call once inside a describe block.
 */
export function useTestResources(): {
  readonly dir: TempDir;
  stdioClient(dbPath: string, options?: { args?: readonly string[]; env?: NodeJS.ProcessEnv }): ReturnType<typeof startStdioClient>;
} {
  let dir: TempDir | undefined;
  const clients: TestClient[] = [];
  beforeEach(() => {
    dir = new TempDir();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    dir?.dispose();
  });
  return {
    get dir(): TempDir {
      if (dir === undefined) throw new Error("useTestResources: no test is running");
      return dir;
    },
    async stdioClient(dbPath, options) {
      const started = await startStdioClient(dbPath, options);
      clients.push(started.client);
      return started;
    },
  };
}


/**
 * Per test: WebSocket server processes, each on its own database in its own folder (optionally
 * with a persisted thread no server has loaded), stopped and removed when the test ends.
 */
export function useWebSocketServers(): {
  start(args: readonly string[], thread?: string): Promise<{ server: WebSocketServerProcess; dbPath: string; scenario: { url: string; pid: number } }>;
} {
  const dirs: TempDir[] = [];
  const servers: WebSocketServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const dir of dirs.splice(0)) dir.dispose();
  });
  return {
    async start(args, thread) {
      const dir = new TempDir();
      dirs.push(dir);
      const dbPath = dir.file("queue.sqlite");
      if (thread !== undefined) await persistThread(dbPath, thread);
      const server = await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", ...args]);
      servers.push(server);
      return { server, dbPath, scenario: { url: server.url, pid: server.child.pid as number } };
    },
  };
}
