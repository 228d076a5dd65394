/**
 * The real server process (`bin/thread-queue-server.js`, what a stdio client spawns) driven by
 * the generated client over StdioChildTransport: every server figure is what a client sees,
 * including the pipe and JSON framing in both directions.
 */
import { readFileSync } from "node:fs";
import { createClient, StdioChildTransport, type Client, type Transport } from "../../generated/client/index.js";
import { CountingStdioTransport } from "./counting-stdio.js";
import { SERVER_BIN } from "./paths.js";

export interface ServerConnection {
  readonly client: Client;
  readonly pid: number;
  /** Bytes of `method` notifications received so far; only with `countNotificationBytes`. */
  notificationBytes(method: string): number;
  close(): Promise<void>;
}

/** Spawns a server on `dbPath`, completes the handshake (experimental API on) and returns the client. */
export async function connectServer(
  dbPath: string,
  extraArgs: readonly string[] = [],
  options: { optOut?: string[]; countNotificationBytes?: boolean } = {},
): Promise<ServerConnection> {
  const args = [...serverNodeArgs(), SERVER_BIN, "--db", dbPath, "--log-level", "warn", ...extraArgs];
  const counting = options.countNotificationBytes === true ? new CountingStdioTransport(process.execPath, args) : undefined;
  const transport = counting ?? new StdioChildTransport({ command: process.execPath, args, stderr: "inherit" });
  const client = await initializedClient(transport, options.optOut);
  const pid = transport.pid;
  if (pid === undefined) throw new Error("the server process has no pid");
  const notificationBytes = (method: string): number => {
    if (counting === undefined) throw new Error("connect with countNotificationBytes to count notification bytes");
    return counting.bytesOf(method);
  };
  return { client, pid, notificationBytes, close: () => client.close() };
}

/** The generated client on `transport`, through the handshake (experimental API on). */
export async function initializedClient(transport: Transport, optOut: string[] | undefined): Promise<Client> {
  const client = createClient(transport, { requestTimeoutMs: 120_000 });
  await client.ready;
  await client.request("initialize", {
    clientInfo: { name: "thread-queue-bench", title: null, version: "1.0.0" },
    capabilities: { experimentalApi: true, optOutNotificationMethods: optOut ?? null },
  });
  await client.notify("initialized");
  return client;
}

/**
 * Extra node flags for the server process from BENCH_SERVER_NODE_ARGS, e.g.
 * "--cpu-prof --cpu-prof-dir=bench/tmp/prof" to profile the server under a benchmark's load.
 */
export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter((arg) => arg !== "");
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * Runs `total` calls of `issue(i)` keeping `inFlight` of them outstanding (a sliding window, as
 * a busy client would) and returns the wall time in ms until the last one settled.
 */
export async function pipelined(total: number, inFlight: number, issue: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      await issue(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return performance.now() - started;
}

/** A thread/queue/add params object: one short text turn. */
export function addParams(threadId: string, text: string) {
  return { threadId, turnStartParams: { threadId, input: [{ type: "text" as const, text, text_elements: [] }] } };
}

/**
 * Creates `count` persisted threads in `dbPath` with a server process of their own, then stops
 * it. A later server on the same file knows the threads but has not loaded them, so queued
 * turns added there stay queued (nothing dispatches until thread/resume): pure appends.
 */
export async function createPersistedThreads(dbPath: string, count: number, extraArgs: readonly string[] = []): Promise<string[]> {
  const server = await connectServer(dbPath, extraArgs, { optOut: ["thread/started"] });
  try {
    const ids: string[] = [];
    await pipelined(count, 32, async () => {
      const { thread } = await server.client.request("thread/start", { ephemeral: false });
      ids.push(thread.id);
    });
    return ids;
  } finally {
    await server.close();
  }
}
