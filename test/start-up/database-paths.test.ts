/**
 * Every `--db` path that cannot hold a database ends start-up with exit 1 and one line naming
 * the path (as given) and what is wrong with it, as fast as a command-line error — never a
 * hang: `/proc/nope/x.sqlite` used to spin at 100 % CPU inside a recursive mkdir, and a FIFO
 * blocked the open for writing until a reader came. Until it serves, SIGTERM stops the process.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { useTestResources } from "../support/reliability-resources.js";
import { runServerToExit, type ExitOutcome } from "../support/reliability-server.js";
import { SERVER_BIN } from "../support/server-process.js";

const HAS_MKFIFO = spawnSync("mkfifo", ["--version"]).status === 0;
const HAS_PROC = process.platform === "linux";

/**
 * Runs the server on `db` and, at the same time, one that fails on its command line: both pay
 * the same start-up under the same load, so the difference is what opening `db` costs.
 */
async function runBesideBaseline(db: string, cwd: string): Promise<{ outcome: ExitOutcome; slowerByMs: number }> {
  const timed = async (args: string[]) => {
    const outcome = await runServerToExit(args, { input: "", cwd, timeoutMs: 15_000 });
    return { outcome, at: performance.now() };
  };
  const [target, baseline] = await Promise.all([timed(["--db", db]), timed(["--db", "unsupported://baseline"])]);
  expect(baseline.outcome.code).toBe(2);
  return { outcome: target.outcome, slowerByMs: target.at - baseline.at };
}

describe("an unusable database path: exit 1 at once, one line naming it", () => {
  const resources = useTestResources();

  const cases: Array<{ name: string; skip?: string; arrange(dir: string): string; reason: RegExp }> = [
    {
      name: "a folder that cannot be created although its parent exists (procfs)",
      skip: HAS_PROC ? undefined : "needs Linux's /proc",
      arrange: () => "/proc/no-such-folder/queue.sqlite",
      reason: /cannot create the folder \/proc\/no-such-folder: ENOENT/,
    },
    {
      name: "a FIFO",
      skip: HAS_MKFIFO ? undefined : "needs mkfifo",
      arrange: (dir) => {
        expect(spawnSync("mkfifo", [`${dir}/pipe.sqlite`]).status).toBe(0);
        return "pipe.sqlite";
      },
      reason: /pipe\.sqlite is a FIFO \(named pipe\), not a database file/,
    },
    {
      name: "a folder",
      arrange: (dir) => {
        mkdirSync(`${dir}/folder.sqlite`);
        return "folder.sqlite";
      },
      reason: /folder\.sqlite is a folder, not a database file/,
    },
    {
      name: "a character device",
      arrange: () => "/dev/null",
      reason: /\/dev\/null is a character device, not a database file/,
    },
    {
      name: "a path below a regular file",
      arrange: (dir) => {
        writeFileSync(`${dir}/plain-file`, "");
        return "plain-file/queue.sqlite";
      },
      reason: /ENOTDIR/,
    },
    {
      name: "a symbolic link loop",
      arrange: (dir) => {
        symlinkSync("loop.sqlite", `${dir}/loop.sqlite`);
        return "loop.sqlite";
      },
      reason: /ELOOP/,
    },
  ];

  for (const each of cases) {
    it(`${each.name}${each.skip === undefined ? "" : ` (${each.skip})`}`, async (context) => {
      if (each.skip !== undefined) return context.skip(each.skip);
      const dir = resources.dir.path;
      const db = each.arrange(dir);
      const before = readdirSync(dir).sort();
      const { outcome, slowerByMs } = await runBesideBaseline(db, dir);
      expect(outcome.code, outcome.stderr).toBe(1);
      const lines = outcome.stderr.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]?.startsWith(`[thread-queue-server] error: cannot open the database ${db}: `)).toBe(true);
      expect(lines[0]).toMatch(each.reason);
      // Only catches a hang (it used to be forever); the figure itself is measured, not asserted:
      // whole runs take 0.6–1.2 s like a command-line error's (load 15), 2.5 s apart under load 20.
      expect(slowerByMs, "time to exit beyond a command-line error's, started alongside").toBeLessThan(10_000);
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }
});

describe("SIGTERM during start-up", () => {
  it("stops a server still waiting for its database", async () => {
    // A PostgreSQL address that accepts connections and never answers: start-up waits on it.
    const connections: Socket[] = [];
    const blackHole = createServer((socket) => connections.push(socket));
    blackHole.listen(0, "127.0.0.1");
    await once(blackHole, "listening");
    const port = (blackHole.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [SERVER_BIN, "--db", `postgres://nobody@127.0.0.1:${port}/queue`], { stdio: ["pipe", "ignore", "pipe"] });
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      await once(blackHole, "connection");
      child.kill("SIGTERM");
      // Killed by the signal itself — not exit 1 once the connect timeout (5 s) gives up.
      expect(await exited).toEqual([null, "SIGTERM"]);
    } finally {
      for (const socket of connections) socket.destroy();
      blackHole.close();
    }
  });
});
