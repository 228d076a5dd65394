/**
 * Start-up through the real server process: a bad command line is exit 2, something that
 * cannot be opened is exit 1 (README), each said in one line — no stack trace, nothing twice —
 * and paths are shown as the user gave them.
 */
import { once } from "node:events";
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { SUPPORTED_STORE_TARGETS } from "../../server/config/store-target.js";
import { useTestResources } from "../support/reliability-resources.js";
import { runServerToExit } from "../support/reliability-server.js";
import { WebSocketServerProcess } from "../support/server-process.js";

const lines = (text: string) => text.split("\n").filter((line) => line !== "");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Exactly one line on stderr, of the shape the README promises, without a stack. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(lines(stderr), stderr).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("a bad command line: exit 2 and one line, before anything is opened", () => {
  const resources = useTestResources();

  it.each([
    ["mysql://x", /has the unsupported scheme "mysql:"; give (.*)$/m],
    ["MySQL://user@db/queue", /has the unsupported scheme "mysql:"; give (.*)$/m],
    ["redis://127.0.0.1:6379/0", /has the unsupported scheme "redis:"; give (.*)$/m],
    ["sqlite:queue.sqlite", /has the unsupported scheme "sqlite:"; give (.*) \(a file whose name has a colon: write \.\/sqlite:queue\.sqlite\)/],
    ["", /--db is empty; give (.*)$/m],
  ])("--db %j is refused, listing what --db takes, and creates nothing", async (db, reason) => {
    const outcome = await runServerToExit(["--db", db], { input: "", cwd: resources.dir.path });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /^thread-queue-server: .* \(see --help\)\n$/);
    expect(reason.exec(outcome.stderr)?.[1]).toMatch(new RegExp(`^${escape(SUPPORTED_STORE_TARGETS)}`));
    expect(readdirSync(resources.dir.path)).toEqual([]);
  });

  it.each([
    ["file:queue.sqlite", /is a relative file: URL; give file:\/\/\/absolute\/path/],
    ["file://elsewhere/queue.sqlite", /is not a usable file: URL .*; give file:\/\/\/absolute\/path/],
  ])("--db %j is refused, saying what a file: URL must be", async (db, reason) => {
    const outcome = await runServerToExit(["--db", db], { input: "", cwd: resources.dir.path });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, reason);
    expect(readdirSync(resources.dir.path)).toEqual([]);
  });

  it("refuses an unsupported scheme from THREAD_QUEUE_DB too", async () => {
    const outcome = await runServerToExit([], { input: "", cwd: resources.dir.path, env: { ...process.env, THREAD_QUEUE_DB: "mysql://x" } });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /unsupported scheme "mysql:"/);
    expect(readdirSync(resources.dir.path)).toEqual([]);
  });

  it("refuses a non-loopback --listen without a token as a command-line error", async () => {
    const outcome = await runServerToExit(["--listen", "ws://0.0.0.0:0", "--db", resources.dir.file("never.sqlite")], { input: "" });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /^thread-queue-server: refusing to listen on non-loopback host 0\.0\.0\.0 without an auth token: pass --ws-token or set THREAD_QUEUE_WS_TOKEN/);
    expect(readdirSync(resources.dir.path)).toEqual([]);
  });

  it("refuses an unknown flag", async () => {
    const outcome = await runServerToExit(["--no-such-flag"], { input: "", cwd: resources.dir.path });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /^thread-queue-server: Unknown option '--no-such-flag'/);
  });
});

describe("a file: URL names an SQLite file", () => {
  const resources = useTestResources();

  it("opens the file it names", async () => {
    const path = resources.dir.file("by-url.sqlite");
    const outcome = await runServerToExit(["--db", `file://${path}`], { input: "" });
    expect(outcome.code).toBe(0);
    expect(existsSync(path)).toBe(true);
  });
});

describe("what cannot be opened: exit 1 and one line, no stack trace", () => {
  const resources = useTestResources();

  it("a port in use is reported once", async () => {
    const holder: Server = createServer();
    holder.listen(0, "127.0.0.1");
    await once(holder, "listening");
    const port = (holder.address() as { port: number }).port;
    try {
      const outcome = await runServerToExit(["--listen", `ws://127.0.0.1:${port}`, "--db", resources.dir.file("q.sqlite")], { input: "" });
      expect(outcome.code).toBe(1);
      expectOneLine(
        outcome.stderr,
        new RegExp(`^\\[thread-queue-server\\] error: cannot listen on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}\\n$`),
      );
    } finally {
      holder.close();
    }
  });

  it("a PostgreSQL server that refuses the connection", async () => {
    const outcome = await runServerToExit(["--db", "postgres://nobody@127.0.0.1:1/queue"], { input: "" });
    expect(outcome.code).toBe(1);
    expectOneLine(outcome.stderr, /^\[thread-queue-server\] error: cannot open the database postgres:\/\/nobody@127\.0\.0\.1:1\/queue: .*ECONNREFUSED/);
  });

  it("a file that is not a database, named as the user gave it; its stack only at --log-level debug", async () => {
    mkdirSync(resources.dir.file("data"));
    writeFileSync(resources.dir.file("data/notes.sqlite"), "not a database, just text that is long enough to have a header\n".repeat(20));
    const outcome = await runServerToExit(["--db", "data/notes.sqlite"], { input: "", cwd: resources.dir.path });
    expect(outcome.code).toBe(1);
    expectOneLine(outcome.stderr, /^\[thread-queue-server\] error: cannot open the database data\/notes\.sqlite: file is not a database\n$/);

    const debug = await runServerToExit(["--db", "data/notes.sqlite", "--log-level", "debug"], { input: "", cwd: resources.dir.path });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe("the line that says the server is up", () => {
  const resources = useTestResources();

  it("has the level prefix on WebSocket as on stdio, whatever the log level, with the database as given", async () => {
    const db = resources.dir.file("q.sqlite");
    const server = await WebSocketServerProcess.start(db, ["--log-level", "error"]);
    try {
      expect(lines(server.stderr)[0]).toMatch(
        new RegExp(`^\\[thread-queue-server\\] info: listening on ws://127\\.0\\.0\\.1:\\d+/, database ${escape(db)}$`),
      );
    } finally {
      await server.stop();
    }
    const stdio = await runServerToExit(["--db", "q.sqlite"], { input: "", cwd: resources.dir.path });
    expect(stdio.code).toBe(0);
    expect(lines(stdio.stderr)[0]).toBe("[thread-queue-server] info: serving on stdio, database q.sqlite");
  });
});
