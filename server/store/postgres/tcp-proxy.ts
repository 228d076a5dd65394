import { createServer, connect, type Server, type Socket } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket | undefined;
  /** Cut at the server's side; the client has not been told. */
  severed: boolean;
}

/**
 * Test support: a TCP relay in front of PostgreSQL that plays network failures.
 * - freeze(): every link stays open but passes no byte (a dead path); new connections are
 *   accepted and never answered. thaw() then cuts what froze, as the eventual reset would.
 * - severQuietly(): the server's side of every link ends while the client's stays open, so the
 *   client learns of it only when it next sends — a pooled connection that died while idle.
 */
export class FreezableProxy {
  private frozen = false;
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: Server,
    /** The target's connection URL with the relay's address in it. */
    readonly url: string,
  ) {}

  /** Relays to the host and port of a `postgres://` URL. */
  static async start(targetUrl: string): Promise<FreezableProxy> {
    const url = new URL(targetUrl);
    const target = { host: url.hostname, port: Number(url.port || 5432) };
    let proxy: FreezableProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
    url.hostname = "127.0.0.1";
    url.port = String(address.port);
    proxy = new FreezableProxy(server, url.toString());
    return proxy;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const link of this.links) this.cut(link);
  }

  severQuietly(): void {
    for (const link of this.links) {
      link.severed = true;
      link.upstream?.destroy();
    }
  }

  async close(): Promise<void> {
    this.thaw();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    const link: Link = { client, upstream: undefined, severed: false };
    this.links.add(link);
    client.on("error", () => undefined);
    client.on("close", () => this.cut(link));
    if (this.frozen) return;
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on("error", () => undefined);
    upstream.on("close", () => link.severed || this.cut(link));
    // Bytes are dropped, not queued, while frozen: a dead path delivers nothing later either.
    client.on("data", (chunk) => {
      if (link.severed) this.cut(link);
      else if (!this.frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => this.frozen || client.write(chunk));
  }

  private cut(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}
