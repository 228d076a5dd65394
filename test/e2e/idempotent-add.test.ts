/**
 * Idempotent thread/queue/add (clientUserMessageId) on SQLite, through real server processes:
 * two connections to one server, and two server processes on one file (the retry arriving
 * through the other process). The PostgreSQL half, with three instances, is
 * test/scale-out/clients-behind-balancer.test.ts.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { WebSocketClientTransport } from "../../generated/client/index.js";
import { TempDir, WebSocketServerProcess } from "../support/server-process.js";
import { TestClient } from "../support/test-client.js";
import { idempotentAddScenarios } from "../scale-out/idempotent-add-scenarios.js";

async function connect(server: WebSocketServerProcess): Promise<TestClient> {
  const client = new TestClient(new WebSocketClientTransport({ url: server.url }));
  await client.client.ready;
  await client.initialize();
  return client;
}

function sqliteDeployment(title: string, processes: 1 | 2): void {
  describe(title, () => {
    const dir = new TempDir();
    const servers: WebSocketServerProcess[] = [];
    const clients: TestClient[] = [];
    beforeAll(async () => {
      const db = dir.file("queue.sqlite");
      for (let i = 0; i < processes; i += 1) servers.push(await WebSocketServerProcess.start(db, ["--log-level", "error", "--turn-delay-ms", "5"]));
      for (let i = 0; i < 2; i += 1) clients.push(await connect(servers[i % servers.length] as WebSocketServerProcess));
    });
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await Promise.all(servers.map((server) => server.stop()));
      dir.dispose();
    });
    const door = (index: number) => (): TestClient => {
      const client = clients[index];
      if (client === undefined) throw new Error(`no client ${index}`);
      return client;
    };
    idempotentAddScenarios({ first: door(0), second: door(1) });
  });
}

sqliteDeployment("idempotent adds on SQLite: two connections to one server", 1);
sqliteDeployment("idempotent adds on SQLite: two server processes on one file", 2);
