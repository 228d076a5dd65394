/**
 * The server process: command line → store → runtime → transports, and a clean exit on stdin EOF
 * (stdio), SIGINT or SIGTERM after in-flight writes have committed. stdout carries protocol
 * messages only (stdio transport); everything else goes to stderr.
 *
 * A start-up failure is one line on stderr and an exit code (README): 2 for the command line,
 * 1 for what cannot be opened (the database, the listen address). The stack behind it is logged
 * at `--log-level debug` only. Until its database is open, the process installs no signal
 * handler: SIGTERM or SIGINT then ends it at once (nothing has been acknowledged yet).
 */
import { readFileSync } from "node:fs";
import { parseCommandLine, type CommandLine } from "./config/command-line.js";
import { FLAG_HELP, FlagError } from "./config/server-flags.js";
import { describeStoreTarget, type StoreTarget } from "./config/store-target.js";
import { isLocalOwnerGone } from "./queue/instance-id.js";
import { createStderrLogger, type Logger } from "./logger.js";
import { createServerRuntime } from "./runtime.js";
import { QueueServer } from "./rpc/queue-server.js";
import { PostgresQueueStore, SqliteQueueStore, type QueueStore } from "./store/index.js";
import { StdioServerTransport } from "./transport/stdio.js";
import { WebSocketListener } from "./transport/websocket.js";
import { EchoTurnRunner } from "./turns/echo-turn-runner.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** `what: reason` on one line; the stack (if any) at debug level. */
function startUpFailed(logger: Logger, what: string, error: unknown): 1 {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
  logger.error(`${what}: ${reason}`);
  if (error instanceof Error && error.stack !== undefined) logger.debug(error.stack);
  return 1;
}

async function run({ flags, target }: CommandLine, logger: Logger): Promise<number> {
  const database = describeStoreTarget(target);
  let store: QueueStore;
  try {
    store = await openStore(target, logger, flags.dedupeRetentionMs);
  } catch (error) {
    return startUpFailed(logger, `cannot open the database ${database}`, error);
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
      fanOutTurnEvents: flags.fanOutTurnEvents,
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
      logger.info("stopped");
      done();
    })();
    return shuttingDown;
  };
  // Not `once`: under `npm start`, Ctrl-C reaches the server twice (from the terminal and
  // forwarded by npm), and the default action of the second would cut the shutdown short.
  // A repeated signal waits for the same shutdown; SIGKILL is there to force one.
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  if (flags.listen.kind === "stdio") {
    const transport = new StdioServerTransport({ maxLineBytes: flags.maxFrameBytes });
    // stdin EOF ends the only connection: finish what was read, then exit.
    await server.accept(transport, () => void shutdown("stdin closed"));
    logger.info(`serving on stdio, database ${database}`);
  } else {
    let listening = false;
    listener = new WebSocketListener({
      onconnection: (transport) => void server.accept(transport),
      maxPayload: flags.maxFrameBytes,
      token: flags.wsToken,
      allowedOrigins: flags.allowedOrigins,
      isReady: () => shuttingDown === undefined,
      // Before it listens, an error is the failed listen itself, reported once below.
      onerror: (error) => {
        if (listening) logger.error("listener error", error);
      },
    });
    try {
      const address = await listener.listen({ host: flags.listen.host, port: flags.listen.port });
      listening = true;
      // Whatever the log level: with port 0 this is how a supervisor learns the port.
      createStderrLogger("info").info(`listening on ${address.url}, database ${database}`);
    } catch (error) {
      await server.close();
      return startUpFailed(logger, `cannot listen on ${flags.listen.host}:${flags.listen.port}`, error);
    }
  }
  await finished;
  return 0;
}

function openStore(target: StoreTarget, logger: Logger, dedupeRetentionMs: number): Promise<QueueStore> {
  if (target.kind === "sqlite") return SqliteQueueStore.open({ path: target.path, dedupeRetentionMs });
  return PostgresQueueStore.open({
    dedupeRetentionMs,
    connectionString: target.connectionString,
    schema: target.schema,
    applicationName: `thread-queue-server ${process.pid}`,
    onConnectionError: (error) => logger.warn("an idle PostgreSQL connection failed; it is replaced on next use", error),
    onListenError: (error) => logger.warn("PostgreSQL change notifications interrupted; reconnecting", error),
  });
}

async function main(): Promise<void> {
  let commandLine: CommandLine | "help" | "version";
  try {
    commandLine = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`thread-queue-server: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if (commandLine === "help") {
    process.stdout.write(`${FLAG_HELP}\n`);
    return;
  }
  if (commandLine === "version") {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const logger = createStderrLogger(commandLine.flags.logLevel);
  const code = await run(commandLine, logger);
  process.exit(code);
}

void main();
