/**
 * The server process: flags → store → runtime → transports, and a clean exit on stdin EOF
 * (stdio), SIGINT or SIGTERM after in-flight writes have committed. stdout carries protocol
 * messages only (stdio transport); everything else goes to stderr.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { FLAG_HELP, FlagError, parseServerFlags, WS_TOKEN_ENV, type ServerFlags } from "./config/server-flags.js";
import { describeStoreTarget, parseStoreTarget, type StoreTarget } from "./config/store-target.js";
import { isLocalOwnerGone } from "./queue/instance-id.js";
import { createStderrLogger, type Logger } from "./logger.js";
import { createServerRuntime } from "./runtime.js";
import { QueueServer } from "./rpc/queue-server.js";
import { PostgresQueueStore, SqliteQueueStore, type QueueStore } from "./store/index.js";
import { StdioServerTransport } from "./transport/stdio.js";
import { WebSocketListener } from "./transport/websocket.js";
import { EchoTurnRunner } from "./turns/echo-turn-runner.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

async function run(flags: ServerFlags, logger: Logger): Promise<number> {
  if (flags.listen.kind === "ws" && !isLoopbackHost(flags.listen.host) && flags.wsToken === undefined) {
    logger.error(
      `refusing to listen on non-loopback host ${flags.listen.host} without an auth token: pass --ws-token or set ${WS_TOKEN_ENV}`,
    );
    return 1;
  }
  const target = parseStoreTarget(flags.db, flags.dbSchema);
  const database = describeStoreTarget(target);
  let store: QueueStore;
  try {
    store = await openStore(target, logger);
  } catch (error) {
    logger.error(`cannot open the database ${database}`, error);
    return 1;
  }
  const runtime = createServerRuntime({
    store,
    runner: new EchoTurnRunner(flags.turnDelayMs),
    logger,
    leases: {
      ttlMs: flags.leaseTtlMs,
      // Every instance on one SQLite file runs on this machine, so a dead owner is recognisable;
      // across PostgreSQL clients it is not (other hosts, other pid namespaces): expiry decides.
      isOwnerGone: target.kind === "sqlite" ? isLocalOwnerGone : undefined,
    },
    options: {
      maxInputChars: flags.maxInputChars,
      maxQueueLength: flags.maxQueueLength,
      maxInFlightRequests: flags.maxInFlight,
      maxTurnParamsBytes: flags.maxTurnParamsBytes,
      maxQueueBytes: flags.maxQueueBytes,
      maxPageBytes: flags.maxPageBytes,
      outboundHighWaterBytes: flags.outboundHighWaterBytes,
      maxOutboundBytes: flags.maxOutboundBytes,
      threadIdleUnloadMs: flags.threadIdleUnloadMs,
      version: VERSION,
      defaultCwd: process.cwd(),
      validateOutgoing: flags.validateOutgoing,
    },
  });
  const server = new QueueServer(runtime);

  let listener: WebSocketListener | undefined;
  let shuttingDown: Promise<void> | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info(`shutting down (${reason})`);
      await listener?.close();
      await server.close();
      done();
    })();
    return shuttingDown;
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  if (flags.listen.kind === "stdio") {
    const transport = new StdioServerTransport({ maxLineBytes: flags.maxFrameBytes });
    // stdin EOF ends the only connection: finish what was read, then exit.
    await server.accept(transport, () => void shutdown("stdin closed"));
    logger.info(`serving on stdio, database ${database}`);
  } else {
    listener = new WebSocketListener({
      onconnection: (transport) => void server.accept(transport),
      maxPayload: flags.maxFrameBytes,
      token: flags.wsToken,
      allowedOrigins: flags.allowedOrigins,
      isReady: () => shuttingDown === undefined,
      onerror: (error) => logger.error("listener error", error),
    });
    try {
      const address = await listener.listen({ host: flags.listen.host, port: flags.listen.port });
      // Printed whatever the log level: with port 0 this is how a supervisor learns the port.
      process.stderr.write(`[thread-queue-server] listening on ${address.url}, database ${database}\n`);
    } catch (error) {
      logger.error(`cannot listen on ${flags.listen.host}:${flags.listen.port}`, error);
      await server.close();
      return 1;
    }
  }
  await finished;
  return 0;
}

function openStore(target: StoreTarget, logger: Logger): Promise<QueueStore> {
  if (target.kind === "sqlite") return SqliteQueueStore.open({ path: target.path });
  return PostgresQueueStore.open({
    connectionString: target.connectionString,
    schema: target.schema,
    applicationName: `thread-queue-server ${process.pid}`,
    onConnectionError: (error) => logger.warn("an idle PostgreSQL connection failed; it is replaced on next use", error),
    onListenError: (error) => logger.warn("PostgreSQL change notifications interrupted; reconnecting", error),
  });
}

async function main(): Promise<void> {
  let flags: ServerFlags | "help" | "version";
  try {
    flags = parseServerFlags(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`thread-queue-server: ${error.message}\nRun with --help for usage.\n`);
    process.exit(2);
  }
  if (flags === "help") {
    process.stdout.write(`${FLAG_HELP}\n`);
    return;
  }
  if (flags === "version") {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const logger = createStderrLogger(flags.logLevel);
  const code = await run(flags, logger);
  process.exit(code);
}

void main();
