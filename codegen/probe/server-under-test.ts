/**
 * Starts one server for one session and connects to it: over its stdin/stdout, or by spawning
 * it and dialling its WebSocket URL until it answers. Reports, once, that the server went away
 * (the process exited, or the connection closed) unless the probe itself stopped it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { JsonRpcMessage } from "../runtime/jsonrpc.js";
import type { Transport } from "../runtime/transport.js";
import { StdioChildTransport } from "../runtime/transports/stdio-child.js";
import { WebSocketClientTransport } from "../runtime/transports/websocket-client.js";
import { instantiate, type ServerCommand } from "./server-command.js";

export interface ServerGone {
  /** "process exited with code 3", "process killed by SIGSEGV", "connection closed (process still running)". */
  readonly detail: string;
  readonly processExited: boolean;
}

export interface ServerHandlers {
  message(value: unknown): void;
  frameError(reason: string): void;
  gone(report: ServerGone): void;
}

export interface RunningServer {
  send(message: JsonRpcMessage): Promise<void>;
  /** The last lines the server wrote to stderr (and, over WebSocket, stdout). */
  logTail(): string;
  stop(): Promise<void>;
}

/** The server could not be started or reached: a problem with the command line, not a finding. */
export class ServerStartError extends Error {
  override readonly name = "ServerStartError";
}

const LOG_TAIL_CHARS = 4_000;
const STOP_GRACE_MS = 3_000;

export async function startServer(command: ServerCommand, handlers: ServerHandlers, startTimeoutMs: number): Promise<RunningServer> {
  const concrete = await instantiate(command);
  try {
    if (concrete.listen.kind === "stdio") return await startStdio(concrete.argv, concrete.cwd, handlers, concrete.cleanup);
    return await startWebSocket(concrete.argv, concrete.cwd, concrete.listen.url, handlers, startTimeoutMs, concrete.cleanup);
  } catch (error) {
    concrete.cleanup();
    throw error;
  }
}

async function startStdio(argv: readonly string[], cwd: string, handlers: ServerHandlers, cleanup: () => void): Promise<RunningServer> {
  const transport = new StdioChildTransport({
    command: argv[0]!,
    args: argv.slice(1),
    cwd,
    stderr: "collect",
    stderrLimit: LOG_TAIL_CHARS,
    closeTimeoutMs: STOP_GRACE_MS,
  });
  let stopping = false;
  wire(transport, handlers);
  transport.onclose = () => {
    if (stopping) return;
    const status = transport.exitStatus;
    handlers.gone({ detail: describeExit(status?.code ?? null, status?.signal ?? null), processExited: true });
  };
  try {
    await transport.start();
  } catch (error) {
    throw new ServerStartError(`cannot start ${JSON.stringify(argv[0])}: ${(error as Error).message}`);
  }
  return {
    send: (message) => transport.send(message),
    logTail: () => transport.stderrOutput,
    stop: async () => {
      stopping = true;
      await transport.close();
      cleanup();
    },
  };
}

async function startWebSocket(
  argv: readonly string[],
  cwd: string,
  url: string,
  handlers: ServerHandlers,
  startTimeoutMs: number,
  cleanup: () => void,
): Promise<RunningServer> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  let log = "";
  const collect = (chunk: Buffer): void => {
    log = (log + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  // Later 'error' events (a failed kill) must not become uncaught exceptions.
  child.on("error", () => undefined);

  let stopping = false;
  let reported = false;
  const report = (gone: ServerGone): void => {
    if (stopping || reported) return;
    reported = true;
    handlers.gone(gone);
  };
  const prepare = (transport: WebSocketClientTransport): void => {
    wire(transport, handlers);
    transport.onclose = () => {
      // A closed socket is reported once the process has had a moment to show whether it died.
      void Promise.race([exited, delay(200)]).then(() =>
        report(
          exit === undefined
            ? { detail: "connection closed by the server (process still running)", processExited: false }
            : { detail: describeExit(exit.code, exit.signal), processExited: true },
        ),
      );
    };
  };
  const transport = await dial(url, startTimeoutMs, prepare, () => exit, spawnError, () => log).catch(async (error: unknown) => {
    await kill(child, exited);
    throw error;
  });
  void exited.then(() => report({ detail: describeExit(exit?.code ?? null, exit?.signal ?? null), processExited: true }));
  return {
    send: (message) => transport.send(message),
    logTail: () => log,
    stop: async () => {
      stopping = true;
      await transport.close().catch(() => undefined);
      await kill(child, exited);
      cleanup();
    },
  };
}

/** Dials until the server accepts, it exits, or the start timeout passes. */
async function dial(
  url: string,
  startTimeoutMs: number,
  prepare: (transport: WebSocketClientTransport) => void,
  exitOf: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
  spawnError: Promise<Error>,
  log: () => string,
): Promise<WebSocketClientTransport> {
  const deadline = Date.now() + startTimeoutMs;
  let failure: Error | undefined;
  const spawnFailed = spawnError.then((error) => {
    failure = error;
  });
  for (;;) {
    if (failure !== undefined) throw new ServerStartError(`cannot start the server: ${failure.message}`);
    const exit = exitOf();
    if (exit !== undefined) throw new ServerStartError(`the server ${describeExit(exit.code, exit.signal)} before accepting connections on ${url}:\n${log()}`);
    const transport = new WebSocketClientTransport({ url, handshakeTimeoutMs: 2_000, closeTimeoutMs: STOP_GRACE_MS });
    // Handlers first: the server may speak as soon as the socket opens.
    prepare(transport);
    try {
      await Promise.race([transport.start(), spawnFailed.then(() => Promise.reject(failure))]);
      return transport;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new ServerStartError(`nothing accepted a WebSocket connection on ${url} within ${startTimeoutMs} ms (${(error as Error).message}):\n${log()}`);
      }
      await delay(100);
    }
  }
}

function wire(transport: Transport, handlers: ServerHandlers): void {
  transport.onmessage = (value) => handlers.message(value);
  transport.onframeerror = (error) => handlers.frameError(error.message);
  transport.onerror = () => undefined;
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  // No pid: it never started, and will never send 'exit'.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  if (await Promise.race([exited.then(() => true), delay(STOP_GRACE_MS).then(() => false)])) return;
  child.kill("SIGKILL");
  await exited;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `process was killed by ${signal}`;
  return code === null ? "process exited" : `process exited with code ${code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
