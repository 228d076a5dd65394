import type { ClientBase, QueryResult, QueryResultRow } from "pg";
import { QueueStoreError } from "../../queue-store.js";
import { sqlState } from "../errors.js";

/**
 * The connection of the running batch (inside its transaction), and the
 * threads the batch already locked up front: an op needs no lock statement of its own for those.
 */
export type Db = Pick<ClientBase, "query"> & { readonly lockedThreads?: ReadonlySet<string> };

export interface OpContext {
  db: Db;
  now: () => number;
  /** This store's id in change notifications, so that it can skip its own. */
  origin: string;
  /** Where the op's queue version bump reports the version it produced (QueueWriteOptions). */
  noteVersion?: (version: number) => void;
  /** How long the ids of dispatched rows are remembered (idempotent adds); default 24 h. */
  dedupeRetentionMs?: number;
}

/** The database's clock in epoch milliseconds: every instance judges lease expiry by it. */
export const DB_NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** A named statement: pg parses it once per connection and reuses the plan after that. */
export function statement(name: string, text: string): Statement {
  return { name: `thread_queue_${name}`, text };
}

export function run<R extends QueryResultRow>(db: Db, { name, text }: Statement, values: unknown[]): Promise<QueryResult<R>> {
  return db.query<R>({ name, text, values });
}

/**
 * Runs a write whose parameter is cast to jsonb, mapping PostgreSQL's refusal of the text
 * (22P02 not JSON; 22P05 `\u0000`, which jsonb cannot store) to the typed error.
 */
export async function withJsonInput<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = sqlState(error);
    if (code === "22P02" || code === "22P05") {
      throw new QueueStoreError("invalid_json", `${what} is not valid JSON for PostgreSQL jsonb: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
