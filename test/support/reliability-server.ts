/**
 * Real server processes for the reliability tests and the soak (no vitest in here), reached through the dumb peers
 * (`RawStdioPeer`, `RawWebSocketPeer`) behind one small interface, plus runs that only watch a
 * server start and exit (bad databases, refused listen addresses).
 */
import { spawn } from "node:child_process";
import { StdioChildTransport } from "../../generated/client/index.js";
import { UNKNOWN_THREAD } from "./reliability-frames.js";
import { RawWebSocketPeer } from "./reliability-ws-peer.js";
import { RawStdioPeer } from "./raw-stdio-peer.js";
import { SERVER_BIN, stdioServerArgs, WebSocketServerProcess } from "./server-process.js";
import type { TransportKind } from "./harness.js";
import { TestClient } from "./test-client.js";

/** What both dumb peers offer: raw frames out, parsed frames in. */
export interface RawPeer {
  write(raw: Buffer | string): void;
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  drainLines(): string[];
}

export interface RawServer {
  readonly kind: TransportKind;
  readonly peer: RawPeer;
  /** The WebSocket URL, for more connections (undefined on stdio). */
  readonly url?: string;
  /** Sends frames the way the transport carries them: one stdio write of lines, or one WebSocket frame each. */
  sendFrames(frames: readonly Buffer[]): void;
  /** Whether the server process is still running. */
  alive(): boolean;
  /** Ends the server cleanly (stdin EOF or SIGTERM) and returns its exit code. */
  stop(): Promise<number | null>;
  stderr(): string;
}

export async function startRawServer(kind: TransportKind, dbPath: string, args: readonly string[] = []): Promise<RawServer> {
  if (kind === "stdio") {
    const peer = new RawStdioPeer(stdioServerArgs(dbPath, args));
    let exited = false;
    void peer.exited.then(() => (exited = true));
    return {
      kind,
      peer,
      sendFrames: (frames) => peer.write(Buffer.concat(frames.flatMap((frame) => [frame, Buffer.from("\n")]))),
      alive: () => !exited,
      stop: () => peer.end(),
      stderr: () => peer.stderr,
    };
  }
  const server = await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", ...args]);
  const peer = await RawWebSocketPeer.connect(server.url);
  return {
    kind,
    peer,
    url: server.url,
    sendFrames: (frames) => frames.forEach((frame) => peer.write(frame)),
    alive: () => server.child.exitCode === null && server.child.signalCode === null,
    stop: async () => {
      peer.close();
      return server.stop();
    },
    stderr: () => server.stderr,
  };
}

/** initialize (experimental API on) + initialized over a raw peer. */
export async function initializeRaw(peer: RawPeer, experimentalApi = true): Promise<void> {
  peer.write(
    `${JSON.stringify({ id: "init", method: "initialize", params: { clientInfo: { name: "reliability", title: null, version: "1" }, capabilities: { experimentalApi } } })}\n`,
  );
  const answer = await peer.next();
  if (answer.id !== "init" || !("result" in answer)) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
  peer.write('{"method":"initialized"}\n');
}

let sentinels = 0;

/**
 * Reads `count` frames, then proves nothing else was on its way: a read-only request sent
 * now is answered after anything still owed, so every frame before its answer is collected too.
 */
export async function collectAnswers(peer: RawPeer, count: number, timeoutMs = 20_000): Promise<Record<string, unknown>[]> {
  const answers: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      answers.push(await peer.next(timeoutMs));
    } catch (error) {
      throw new Error(`only ${answers.length} of ${count} answers arrived: ${(error as Error).message}\n${answers.map((a) => JSON.stringify(a).slice(0, 200)).join("\n")}`);
    }
  }
  const id = `sentinel-${(sentinels += 1)}`;
  peer.write(`${JSON.stringify({ id, method: "thread/queue/list", params: { threadId: UNKNOWN_THREAD } })}\n`);
  for (;;) {
    const answer = await peer.next(timeoutMs);
    if (answer.id === id) return answers;
    answers.push(answer);
  }
}

/**
 * The typed test client on its own stdio server process, initialized, with the process at
 * hand (its pid, for SIGKILL or prlimit) and an environment of the test's choosing.
 */
export async function startStdioClient(
  dbPath: string,
  options: { args?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ client: TestClient; transport: StdioChildTransport; pid: number }> {
  const transport = new StdioChildTransport({
    command: process.execPath,
    args: stdioServerArgs(dbPath, options.args ?? []),
    env: options.env ?? process.env,
    // Collected (transport.stderrOutput): these tests provoke errors the server rightly logs.
    stderr: "collect",
  });
  const client = new TestClient(transport);
  await client.client.ready;
  await client.initialize();
  const pid = transport.pid;
  if (pid === undefined) throw new Error("the server process has no pid");
  return { client, transport, pid };
}

export interface ExitOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Each line the server wrote to stdout, parsed. */
  answers: Record<string, unknown>[];
}

export interface RunToExitOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** What goes to stdin before it is closed (a stdio server reads requests from it). */
  input?: string;
  /** A server still running after this long is a hang: killed, and the run fails. */
  timeoutMs?: number;
  /** A command the server runs under, e.g. ["prlimit", "--fsize=0"]. */
  prefix?: readonly string[];
  /** Working folder (relative --db paths are resolved against it). */
  cwd?: string;
}

/** Starts the server with `args` and waits for it to exit on its own; a hang is an error. */
export async function runServerToExit(args: readonly string[], options: RunToExitOptions = {}): Promise<ExitOutcome> {
  const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, SERVER_BIN, ...args] as [string, ...string[]];
  const child = spawn(command, commandArgs, {
    stdio: ["pipe", "pipe", "pipe"],
    env: options.env ?? process.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stdin.on("error", () => undefined);
  // stdin stays open unless input is given: a server that does not exit on its own is a hang.
  if (options.input !== undefined) child.stdin.end(options.input);
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server still running after ${timeoutMs} ms (a hang); stderr:\n${stderr}`));
    }, timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const answers = stdout.split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, signal, stderr, answers });
    });
  });
}
