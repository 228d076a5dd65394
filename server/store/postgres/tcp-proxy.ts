import { createServer, connect, type Server, type Socket } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket | undefined;
  /** Cut at the server's side; the client has not been told. */
  severed: boolean;
  /** The link sent a statement carrying the armed marker in its current transaction. */
  marked: boolean;
  /** A COMMIT of a marked transaction went through; the answer must not. */
  commitInFlight: boolean;
}

/** A simple-protocol Query message for COMMIT, as pg sends `client.query("COMMIT")`. */
const COMMIT_QUERY = Buffer.concat([Buffer.from("Q"), Buffer.from([0, 0, 0, 11]), Buffer.from("COMMIT\0")]);

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
  private armed: { marker: Buffer; done: () => void } | undefined;

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

  /**
   * Cuts the next COMMIT whose transaction sent `marker` (e.g. a prepared statement's name)
   * after PostgreSQL answered it: the transaction is committed, and the client sees its
   * connection die with COMMIT in flight — an outcome it cannot know. Resolves once cut.
   */
  cutCommitOf(marker: string): Promise<void> {
    return new Promise((resolve) => {
      this.armed = { marker: Buffer.from(marker), done: resolve };
    });
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
    const link: Link = { client, upstream: undefined, severed: false, marked: false, commitInFlight: false };
    this.links.add(link);
    client.on("error", () => undefined);
    client.on("close", () => this.cut(link));
    if (this.frozen) return;
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on("error", () => undefined);
    upstream.on("close", () => link.severed || this.cut(link));
    // Bytes are dropped, not queued, while frozen: a dead path delivers nothing later either.
    client.on("data", (chunk: Buffer) => {
      if (link.severed) this.cut(link);
      else if (!this.frozen) {
        this.watchForCommit(link, chunk);
        upstream.write(chunk);
      }
    });
    upstream.on("data", (chunk) => {
      if (link.commitInFlight) {
        // PostgreSQL answered the COMMIT: it committed. The client never hears of it.
        const armed = this.armed;
        this.armed = undefined;
        this.cut(link);
        armed?.done();
        return;
      }
      if (!this.frozen) client.write(chunk);
    });
  }

  private watchForCommit(link: Link, chunk: Buffer): void {
    if (this.armed === undefined) return;
    if (chunk.includes(this.armed.marker)) link.marked = true;
    if (link.marked && chunk.includes(COMMIT_QUERY)) link.commitInFlight = true;
    else if (chunk.includes(Buffer.from("Q\0\0\0\x0dROLLBACK\0", "latin1"))) link.marked = false;
  }

  private cut(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}
