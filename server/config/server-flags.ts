/**
 * Command-line flags of the server, with their defaults and help text in one table so that
 * `--help` and the parser cannot disagree.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SERVER_OPTIONS } from "../server-options.js";
import { DEFAULT_DEDUPE_RETENTION_MS } from "../store/queue-store.js";
import { parseStoreTarget } from "./store-target.js";

export const DEFAULT_DB_PATH = ".data/thread-queue.sqlite";
export const WS_TOKEN_ENV = "THREAD_QUEUE_WS_TOKEN";

/** The budgets (docs/guarantees.md › Limits), as the command line's defaults. */
export const DEFAULT_BUDGETS = DEFAULT_SERVER_OPTIONS;
/** No budget may come near V8's string limit: every message must stay serializable. */
const MAX_BUDGET_BYTES = 256 * 1024 * 1024;

export type ListenTarget = { kind: "stdio" } | { kind: "ws"; host: string; port: number };

export interface ServerFlags {
  listen: ListenTarget;
  db: string;
  dbSchema: string | undefined;
  leaseTtlMs: number;
  dedupeRetentionMs: number;
  fanOutTurnEvents: boolean;
  turnDelayMs: number;
  maxFrameBytes: number;
  maxQueueLength: number;
  maxInFlight: number;
  maxInputChars: number;
  maxTurnParamsBytes: number;
  maxQueueBytes: number;
  maxPageBytes: number;
  outboundHighWaterBytes: number;
  maxOutboundBytes: number;
  threadIdleUnloadMs: number;
  wsToken: string | undefined;
  allowedOrigins: string[];
  logLevel: "debug" | "info" | "warn" | "error";
  validateOutgoing: boolean;
}

export const FLAG_HELP = `Usage: thread-queue-server [options]      (or: npm start -- [options])

Reference server for the Codex app-server thread queue API (JSON-RPC, Codex dialect).

Options:
  --listen URL            stdio:// (default) or ws://HOST:PORT (HOST defaults to 127.0.0.1;
                          PORT 0 picks a free port, printed on stderr)
  --db PATH|URL           SQLite database file (default: ${DEFAULT_DB_PATH}, relative to the
                          working directory; created owner-only with its folder), or a
                          postgres://user@host:port/db URL: several instances may share one
                          PostgreSQL database (docs/scaling-out.md); env THREAD_QUEUE_DB
  --db-schema NAME        PostgreSQL schema holding the tables (created if missing; default:
                          the connection's search_path); env THREAD_QUEUE_DB_SCHEMA
  --lease-ttl-ms N        how long a thread stays with an instance that stopped renewing its
                          lease (crashed, cut off) before another takes it over (default 10000)
  --dedupe-retention D    how long the clientUserMessageId of a dispatched queued turn is
                          remembered, so that a retried thread/queue/add runs nothing (D: a
                          number with ms, s, m, h or d; default 24h)
  --turn-event-fan-out on|off
                          send turn/started, turn/completed and error to the clients of every
                          instance on the database, not only this one's (default on)
  --turn-delay-ms N       how long the built-in echo turn runs before completing (default 0)
  --max-frame-bytes N     largest accepted message (line or WebSocket frame) (default 16777216);
                          a larger one is answered -32700 and the connection stays open
                          (WebSocket frames over twice N close the socket with 1009)
  --max-queue-length N    rows one thread's queue may hold (default 10000)
  --max-in-flight N       unanswered requests per connection before -32001 (default 256)
  --max-input-chars N     text characters one turn's input may carry (default 1048576, as upstream)
  --max-turn-params-bytes N
                          bytes of one turn's serialized turnStartParams (text, image URLs, paths,
                          outputSchema, all of it), and of thread/start's params (default
                          ${DEFAULT_BUDGETS.maxTurnParamsBytes})
  --max-queue-bytes N     bytes of turnStartParams one thread's queue may hold in all; bounds every
                          thread/queue/changed and reorder answer (default ${DEFAULT_BUDGETS.maxQueueBytes})
  --max-page-bytes N      bytes of rows one thread/queue/list page carries before it ends early with
                          a nextCursor (a larger row still comes, alone) (default ${DEFAULT_BUDGETS.maxPageBytes})
  --outbound-high-water-bytes N
                          unsent bytes of one connection at which the server stops reading it and
                          starting its requests, until half of it is sent (default ${DEFAULT_BUDGETS.outboundHighWaterBytes})
  --max-outbound-bytes N  bytes waiting to be sent to one connection beyond which it is closed
                          (a client that stopped reading its notifications) (default ${DEFAULT_BUDGETS.maxOutboundBytes})
  --thread-idle-unload-ms N
                          how long a loaded thread with no subscriber and no turn stays loaded
                          before it is unloaded and its lease released (default ${DEFAULT_BUDGETS.threadIdleUnloadMs})
  --ws-token TOKEN        require "Authorization: Bearer TOKEN" on WebSocket connections
                          (env ${WS_TOKEN_ENV}); mandatory for a non-loopback --listen host
  --allowed-origin ORIGIN allow browser connections from ORIGIN (repeatable; default: none —
                          any request with an Origin header is refused)
  --log-level LEVEL       debug | info | warn | error (default info); logs go to stderr only
  --validate-outgoing     validate every result and notification against the schemas (debug)
  --help                  show this help
  --version               print the version

Exit codes: 0 clean shutdown (stdin EOF, SIGINT, SIGTERM); 1 start-up failure (bad database,
port in use); 2 bad command line.`;

export class FlagError extends Error {
  override readonly name = "FlagError";
}

function positiveInt(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < (allowZero ? 0 : 1)) {
    throw new FlagError(`--${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * A token no client can present would lock everyone out — and an empty one would still count
 * as "configured" for the non-loopback check. A bearer token is one run of visible characters.
 */
function wsToken(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[\x21-\x7e]+$/.test(value)) {
    throw new FlagError(`--ws-token (or ${WS_TOKEN_ENV}) must be visible ASCII characters without spaces, and not empty`);
  }
  return value;
}

const WS_LISTEN = /^ws:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})\/?$/;

export function parseListen(value: string): ListenTarget {
  if (value === "stdio://" || value === "stdio") return { kind: "stdio" };
  const match = WS_LISTEN.exec(value);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new FlagError(`--listen must be stdio:// or ws://HOST:PORT, got ${JSON.stringify(value)}`);
  }
  const rawHost = match[1] ?? "";
  const host = rawHost === "" ? "127.0.0.1" : rawHost.replace(/^\[(.*)\]$/, "$1");
  return { kind: "ws", host, port };
}

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `90m`, `30s`, `500ms`, `7d`: a positive duration with its unit, in milliseconds. */
export function parseDuration(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const match = DURATION.exec(value);
  const ms = match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? NaN);
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new FlagError(`--${name} must be a positive duration with a unit (500ms, 30s, 90m, 24h, 7d), got ${JSON.stringify(value)}`);
  }
  return ms;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value !== "on" && value !== "off") throw new FlagError(`--${name} must be on or off, got ${JSON.stringify(value)}`);
  return value === "on";
}

/** The PostgreSQL backend's rule for schema names (it quotes them into DDL and search_path). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function parseSchema(value: string | undefined): string | undefined {
  if (value !== undefined && !SCHEMA_NAME.test(value)) {
    throw new FlagError(`--db-schema must be a lower-case identifier ([a-z_][a-z0-9_]*), got ${JSON.stringify(value)}`);
  }
  return value;
}

export function parseServerFlags(argv: readonly string[], env: NodeJS.ProcessEnv): ServerFlags | "help" | "version" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        listen: { type: "string" },
        db: { type: "string" },
        "db-schema": { type: "string" },
        "lease-ttl-ms": { type: "string" },
        "dedupe-retention": { type: "string" },
        "turn-event-fan-out": { type: "string" },
        "turn-delay-ms": { type: "string" },
        "max-frame-bytes": { type: "string" },
        "max-queue-length": { type: "string" },
        "max-in-flight": { type: "string" },
        "max-input-chars": { type: "string" },
        "max-turn-params-bytes": { type: "string" },
        "max-queue-bytes": { type: "string" },
        "max-page-bytes": { type: "string" },
        "outbound-high-water-bytes": { type: "string" },
        "max-outbound-bytes": { type: "string" },
        "thread-idle-unload-ms": { type: "string" },
        "ws-token": { type: "string" },
        "allowed-origin": { type: "string", multiple: true },
        "log-level": { type: "string" },
        "validate-outgoing": { type: "boolean" },
        help: { type: "boolean" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help === true) return "help";
  if (v.version === true) return "version";
  const logLevel = v["log-level"] ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new FlagError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`);
  }
  const db = v.db ?? env.THREAD_QUEUE_DB ?? DEFAULT_DB_PATH;
  const dbSchema = parseSchema(v["db-schema"] ?? (env.THREAD_QUEUE_DB_SCHEMA || undefined));
  if (dbSchema !== undefined && parseStoreTarget(db, dbSchema).kind !== "postgres") {
    throw new FlagError("--db-schema applies to a PostgreSQL --db (postgres://…) only");
  }
  const budget = (name: string, value: string | undefined, fallback: number): number => {
    const parsed = positiveInt(name, value, fallback);
    if (parsed > MAX_BUDGET_BYTES) throw new FlagError(`--${name} must be at most ${MAX_BUDGET_BYTES} (256 MiB), got ${parsed}`);
    return parsed;
  };
  const maxQueueBytes = budget("max-queue-bytes", v["max-queue-bytes"], DEFAULT_BUDGETS.maxQueueBytes);
  const outboundHighWaterBytes = budget("outbound-high-water-bytes", v["outbound-high-water-bytes"], DEFAULT_BUDGETS.outboundHighWaterBytes);
  const maxOutboundBytes = budget("max-outbound-bytes", v["max-outbound-bytes"], DEFAULT_BUDGETS.maxOutboundBytes);
  // A subscriber that reads must never be cut off for a snapshot of a full queue waiting behind
  // another one (snapshots carry a little more than the params they hold: ids and statuses).
  if (maxOutboundBytes < Math.max(2 * maxQueueBytes, outboundHighWaterBytes)) {
    throw new FlagError(
      `--max-outbound-bytes (${maxOutboundBytes}) must be at least twice --max-queue-bytes (${maxQueueBytes}) and at least --outbound-high-water-bytes (${outboundHighWaterBytes})`,
    );
  }
  return {
    listen: parseListen(v.listen ?? "stdio://"),
    db,
    dbSchema,
    leaseTtlMs: positiveInt("lease-ttl-ms", v["lease-ttl-ms"], 10_000),
    dedupeRetentionMs: parseDuration("dedupe-retention", v["dedupe-retention"], DEFAULT_DEDUPE_RETENTION_MS),
    fanOutTurnEvents: onOff("turn-event-fan-out", v["turn-event-fan-out"], DEFAULT_SERVER_OPTIONS.fanOutTurnEvents),
    turnDelayMs: positiveInt("turn-delay-ms", v["turn-delay-ms"], 0, true),
    maxFrameBytes: positiveInt("max-frame-bytes", v["max-frame-bytes"], 16 * 1024 * 1024),
    maxQueueLength: positiveInt("max-queue-length", v["max-queue-length"], DEFAULT_SERVER_OPTIONS.maxQueueLength),
    maxInFlight: positiveInt("max-in-flight", v["max-in-flight"], DEFAULT_SERVER_OPTIONS.maxInFlightRequests),
    maxInputChars: positiveInt("max-input-chars", v["max-input-chars"], DEFAULT_SERVER_OPTIONS.maxInputChars),
    maxTurnParamsBytes: budget("max-turn-params-bytes", v["max-turn-params-bytes"], DEFAULT_BUDGETS.maxTurnParamsBytes),
    maxQueueBytes,
    maxPageBytes: budget("max-page-bytes", v["max-page-bytes"], DEFAULT_BUDGETS.maxPageBytes),
    outboundHighWaterBytes,
    maxOutboundBytes,
    threadIdleUnloadMs: positiveInt("thread-idle-unload-ms", v["thread-idle-unload-ms"], DEFAULT_BUDGETS.threadIdleUnloadMs),
    wsToken: wsToken(v["ws-token"] ?? (env[WS_TOKEN_ENV] || undefined)),
    allowedOrigins: v["allowed-origin"] ?? [],
    logLevel: logLevel as ServerFlags["logLevel"],
    validateOutgoing: v["validate-outgoing"] === true,
  };
}
