/**
 * One shared scenario suite, two transports (STYLE 13) and two storage backends: a harness gives
 * a scenario fresh clients connected to the real server process over stdio or WebSocket, on one
 * database (an SQLite file, or a PostgreSQL schema — test/support/backends.ts).
 */
import { StdioChildTransport, WebSocketClientTransport } from "../../generated/client/index.js";
import type { QueueStore } from "../../server/store/index.js";
import { createBackend, type BackendKind } from "./backends.js";
import { stdioServerArgs, WebSocketServerProcess } from "./server-process.js";
import { TestClient } from "./test-client.js";

export type TransportKind = "stdio" | "websocket";
export const TRANSPORTS: readonly TransportKind[] = ["stdio", "websocket"];

export interface Harness {
  readonly kind: TransportKind;
  readonly backend: BackendKind;
  /** What the servers get as `--db`: the SQLite file, or the PostgreSQL URL. */
  readonly dbPath: string;
  /** A new connected client. On stdio each client is its own server process on the same database. */
  connect(): Promise<TestClient>;
  /** Stops every server process (cleanly) so a later `connect` is a restarted server. */
  restart(): Promise<void>;
  /** The servers' store, opened from the test (close it before the servers need the data). */
  openStore(): Promise<QueueStore>;
  dispose(): Promise<void>;
}

export async function createHarness(
  kind: TransportKind,
  serverArgs: readonly string[] = [],
  backendKind: BackendKind = "sqlite",
): Promise<Harness> {
  const backend = await createBackend(backendKind);
  const args = [...backend.serverArgs, ...serverArgs];
  const clients: TestClient[] = [];
  let wsServer: WebSocketServerProcess | undefined;

  const connect = async (): Promise<TestClient> => {
    let client: TestClient;
    if (kind === "stdio") {
      client = new TestClient(
        new StdioChildTransport({ command: process.execPath, args: stdioServerArgs(backend.db, args), stderr: "inherit" }),
      );
    } else {
      wsServer ??= await WebSocketServerProcess.start(backend.db, ["--log-level", "warn", ...args]);
      client = new TestClient(new WebSocketClientTransport({ url: wsServer.url }));
    }
    await client.client.ready;
    clients.push(client);
    return client;
  };

  const closeAll = async (): Promise<void> => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await wsServer?.stop();
    wsServer = undefined;
  };

  return {
    kind,
    backend: backendKind,
    dbPath: backend.db,
    connect,
    restart: closeAll,
    openStore: () => backend.openStore(),
    async dispose() {
      await closeAll();
      await backend.dispose();
    },
  };
}
