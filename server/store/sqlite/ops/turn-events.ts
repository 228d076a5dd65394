import { TURN_EVENT_METHODS, TURN_EVENT_RETENTION_MS, type TurnEvent, type TurnEventMethod } from "../../queue-store.js";
import { hostname } from "node:os";
import type { Db } from "../open-database.js";
import type { OpContext } from "./op-context.js";

/** A stored turn event as another process reads it. */
export interface StoredTurnEvent extends TurnEvent {
  readonly seq: number;
}

/**
 * SQLite has no notification channel: a turn event is a row, read by the other processes on the
 * file when they notice it changed (change-feed.ts). Rows older than the retention go with every
 * 256th event, so the table stays small without a statement per event. A store alone on its file
 * (no other live process or store registered in `store_processes`) writes nothing: nobody could
 * read it, and a turn's events can be large (every item of `turn/completed`). It asks the table
 * at every event, a read of a row or two, so that a process that opened the file a moment ago is
 * served at once.
 */
export function preparePublishTurnEvent({ db, now }: OpContext, origin: string): { othersOnFile(): boolean; publish(event: TurnEvent): void } {
  const insert = db.prepare<[string, string, string, string, number]>(
    "INSERT INTO thread_turn_events (thread_id, origin, method, params_json, created_at_ms) VALUES (?, ?, ?, ?, ?)",
  );
  const prune = db.prepare<[number]>("DELETE FROM thread_turn_events WHERE created_at_ms < ?");
  const others = db.prepare<[string], { host: string; pid: number }>("SELECT host, pid FROM store_processes WHERE origin <> ?");
  let published = 0;
  const othersOnFile = () => others.all(origin).some(isAlive);
  return {
    othersOnFile,
    /** Writes the event; the caller asked `othersOnFile` first (one that left meanwhile costs a row, pruned later). */
    publish: (event) => {
      const at = now();
      insert.run(event.threadId, origin, event.method, event.paramsJson, at);
      if ((published += 1) % 256 === 0) prune.run(at - TURN_EVENT_RETENTION_MS);
    },
  };
}

/** Reads the events other stores wrote after `afterSeq`, oldest first (outside any batch: a plain read). */
export function prepareReadTurnEvents(db: Db, origin: string): { latest(): number; after(afterSeq: number): StoredTurnEvent[] } {
  const latest = db.prepare<[], { seq: number | null }>("SELECT MAX(event_seq) AS seq FROM thread_turn_events");
  const after = db.prepare<[number, string], { seq: number; thread_id: string; method: string; params_json: string }>(
    "SELECT event_seq AS seq, thread_id, method, params_json FROM thread_turn_events WHERE event_seq > ? AND origin <> ? ORDER BY event_seq",
  );
  return {
    latest: () => latest.get()?.seq ?? 0,
    after: (afterSeq) =>
      after
        .all(afterSeq, origin)
        .filter((row) => TURN_EVENT_METHODS.has(row.method))
        .map((row) => ({ seq: row.seq, threadId: row.thread_id, method: row.method as TurnEventMethod, paramsJson: row.params_json })),
  };
}

/** This file's store processes: registered at open (`registerStoreProcess`), removed at close. */
export function registerStoreProcess(db: Db, origin: string, now: number): () => void {
  db.prepare<[string, string, number, number]>("INSERT OR REPLACE INTO store_processes (origin, host, pid, opened_at_ms) VALUES (?, ?, ?, ?)").run(
    origin,
    hostname(),
    process.pid,
    now,
  );
  return () => {
    db.prepare<[string]>("DELETE FROM store_processes WHERE origin = ?").run(origin);
  };
}

/** A registered process of this machine that still runs (other stores of this process count). */
function isAlive({ host, pid }: { host: string; pid: number }): boolean {
  if (host !== hostname()) return true; // Another machine's: only a shared disk would do that; assume it runs.
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
