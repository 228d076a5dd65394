/**
 * The real server process listening on WebSocket (`--listen ws://127.0.0.1:0`), driven by the
 * generated client over WebSocketClientTransport: the same path as bench/lib/server.ts's stdio
 * connection, through TCP and WebSocket framing instead of a pipe.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { WebSocketClientTransport } from "../../generated/client/index.js";
import { SERVER_BIN } from "./paths.js";
import { initializedClient, serverNodeArgs, type ServerConnection } from "./server.js";

const LISTEN_TIMEOUT_MS = 30_000;

/** Spawns a server on `dbPath` listening on a free loopback port and connects the client to it. */
export async function connectServerOverWebSocket(dbPath: string, extraArgs: readonly string[] = []): Promise<ServerConnection> {
  const args = [...serverNodeArgs(), SERVER_BIN, "--db", dbPath, "--log-level", "warn", "--listen", "ws://127.0.0.1:0", ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const exited = once(child, "exit");
  const url = await Promise.race([
    listeningUrl(child.stderr),
    exited.then(([code]) => Promise.reject(new Error(`the server exited (${String(code)}) before it listened`))),
  ]);
  // After the announcement the server's log goes where the benchmark's goes.
  child.stderr.pipe(process.stderr);
  const pid = child.pid;
  if (pid === undefined) throw new Error("the server process has no pid");
  const client = await initializedClient(new WebSocketClientTransport({ url }), undefined);
  return {
    client,
    pid,
    notificationBytes: () => {
      throw new Error("notification bytes are counted on the stdio connection only");
    },
    close: async () => {
      await client.close();
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The address the server announces on stderr once it listens ("listening on ws://…"). */
function listeningUrl(stderr: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`the server did not announce a WebSocket address within ${LISTEN_TIMEOUT_MS} ms:\n${seen}`)), LISTEN_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString("utf8");
      const match = /listening on (ws:\/\/\S+?)\/?,/.exec(seen);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      stderr.off("data", onData);
      resolve(match[1]);
    };
    stderr.on("data", onData);
  });
}
