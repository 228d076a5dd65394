/**
 * A PostgreSQL cluster of the test's own (scripts/pg-test-cluster.sh with a separate state file
 * and the next free port), for a test that restarts the database: the shared test cluster
 * serves other test files at the same time and must stay up.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../support/server-process.js";

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, "scripts/pg-test-cluster.sh");

export interface PrivateCluster {
  readonly url: string;
  /** Stops the server abruptly (as a crash), keeps it down for `downSeconds`, starts it again. */
  restart(downSeconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const stateDir = mkdtempSync(join(tmpdir(), "thread-queue-private-pg-"));
  const env = { ...process.env, THREAD_QUEUE_PG_STATE_FILE: join(stateDir, "cluster.state"), THREAD_QUEUE_PG_PORT: "" };
  const script = (...args: string[]) => run("bash", [SCRIPT, ...args], { env, timeout: 120_000 });
  const { stdout } = await script("start");
  const url = /THREAD_QUEUE_TEST_PG_URL=(\S+)/.exec(stdout)?.[1];
  if (url === undefined) throw new Error(`pg-test-cluster.sh start printed no URL: ${stdout}`);
  return {
    url,
    restart: async (downSeconds) => {
      await script("restart", String(downSeconds));
    },
    stop: async () => {
      await script("stop").catch(() => undefined);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
