import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isStoreUnavailableError } from "./errors.js";
import { PostgresQueueStore } from "./postgres-queue-store.js";

/** No PostgreSQL needed: each case is a server that is missing or will not answer. */
describe("PostgreSQL store against an unreachable server", () => {
  const servers: { server: Server; sockets: Set<Socket> }[] = [];
  afterEach(async () => {
    for (const { server, sockets } of servers.splice(0)) {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      onConnection(socket);
    });
    servers.push({ server, sockets });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    return address.port;
  }

  async function openError(port: number, timeouts: { connectionTimeoutMs?: number; queryTimeoutMs?: number } = {}) {
    return PostgresQueueStore.open({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, ...timeouts }).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (error: unknown) => error,
    );
  }

  it("rejects as unavailable when nothing listens", async () => {
    const port = await listen(() => undefined);
    const { server } = servers.pop() ?? {};
    await new Promise((resolve) => server?.close(resolve));
    const error = await openError(port);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^PostgreSQL queue store is unavailable: .*ECONNREFUSED/);
  });

  it("rejects as unavailable after connectionTimeoutMs when the server accepts but never answers", async () => {
    const port = await listen(() => undefined);
    const error = await openError(port, { connectionTimeoutMs: 200 });
    expect(isStoreUnavailableError(error)).toBe(true);
    expect((error as Error).message).toMatch(/timeout/);
  });

  it("rejects as unavailable after queryTimeoutMs when the server stops answering after the handshake", async () => {
    // AuthenticationOk then ReadyForQuery: pg considers itself connected, and its first query hangs.
    const handshake = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]);
    const port = await listen((socket) => socket.once("data", () => socket.write(handshake)));
    const error = await openError(port, { queryTimeoutMs: 200 });
    expect(isStoreUnavailableError(error)).toBe(true);
    expect((error as Error).message).toBe("PostgreSQL queue store is unavailable: Query read timeout");
  });
});
