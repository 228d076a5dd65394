/**
 * One shared scenario suite, two transports (STYLE 13): a harness gives a scenario fresh
 * clients connected to the real server process over stdio or WebSocket, on one database.
 */
import { StdioChildTransport, WebSocketClientTransport } from "../../generated/client/index.js";
import { stdioServerArgs, TempDir, WebSocketServerProcess } from "./server-process.js";
import { TestClient } from "./test-client.js";

export type TransportKind = "stdio" | "websocket";
export const TRANSPORTS: readonly TransportKind[] = ["stdio", "websocket"];

export interface Harness {
  readonly kind: TransportKind;
  readonly dbPath: string;
  /** A new connected client. On stdio each client is its own server process on the same database. */
  connect(): Promise<TestClient>;
  /** Stops every server process (cleanly) so a later `connect` is a restarted server. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createHarness(kind: TransportKind, serverArgs: readonly string[] = []): Promise<Harness> {
  const dir = new TempDir();
  const dbPath = dir.file("queue.sqlite");
  const clients: TestClient[] = [];
  let wsServer: WebSocketServerProcess | undefined;

  const connect = async (): Promise<TestClient> => {
    let client: TestClient;
    if (kind === "stdio") {
      client = new TestClient(
        new StdioChildTransport({ command: process.execPath, args: stdioServerArgs(dbPath, serverArgs), stderr: "inherit" }),
      );
    } else {
      wsServer ??= await WebSocketServerProcess.start(dbPath, ["--log-level", "warn", ...serverArgs]);
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
    dbPath,
    connect,
    restart: closeAll,
    async dispose() {
      await closeAll();
      dir.dispose();
    },
  };
}
