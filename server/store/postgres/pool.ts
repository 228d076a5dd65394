import pg from "pg";
import { compactJsonText } from "./json-text.js";

export interface PoolSettings {
  connectionString: string;
  poolSize: number;
  /** search_path of every connection; already checked to be a plain identifier. */
  schema: string | undefined;
  connectionTimeoutMs: number;
  statementTimeoutMs: number;
  queryTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  applicationName: string;
  onConnectionError: ((error: Error) => void) | undefined;
}

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Per pool, not global (`pg.types.setTypeParser` would change every other pg user in the
 * process): BIGINT as a JS number, refused beyond 2^53 instead of silently rounded; json and
 * jsonb as compact text, never parsed into objects.
 */
const STORE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format === "binary") return pg.types.getTypeParser(oid, format);
    if (oid === INT8_OID) return parseSafeInteger;
    if (oid === JSON_OID || oid === JSONB_OID) return compactJsonText;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`integer ${text} is outside JavaScript's safe range`);
  return value;
}

/**
 * Every limit that keeps an operation from hanging during an outage: connecting, each
 * statement on the server, and each reply on the client (the server may be unreachable and
 * unable to enforce its own timeout). A transaction left open by a stalled process is ended by
 * the server so that its row locks do not block other instances.
 */
export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.queryTimeoutMs,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
    keepAlive: true,
    application_name: settings.applicationName,
    // The schema name is a checked identifier, so it cannot break out of the option string.
    ...(settings.schema === undefined ? {} : { options: `-c search_path=${settings.schema}` }),
    types: STORE_TYPES,
  });
  // An idle connection the server ends (restart, pg_terminate_backend) is reported here and
  // dropped by the pool; without a listener the process would crash.
  pool.on("error", (error) => settings.onConnectionError?.(error));
  // A connection in use that dies emits "error" too; its query rejects, which is where it is
  // handled. The listener only keeps the event from becoming an uncaught exception.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
