/**
 * Per-test resources for the reliability tests (kept apart from reliability-server.ts, which
 * the soak script imports outside vitest).
 */
import { afterEach, beforeEach } from "vitest";
import { startStdioClient } from "./reliability-server.js";
import { TempDir } from "./server-process.js";
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

