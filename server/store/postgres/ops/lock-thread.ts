import { run, statement, type Db } from "./op-context.js";

/**
 * Every change to a thread's queue starts by locking the thread's row until its batch
 * commits. Under READ COMMITTED each later statement of the op then takes its snapshot after
 * every earlier change of that thread has committed, whichever instance made it: the thread's
 * queue sees one writer at a time, as under SQLite's write lock. That is what makes
 * MAX(queue_order) + 1, the head chosen by a claim and the rows a reorder moves exact.
 * A single statement could not do it: its snapshot predates the wait for the lock.
 */
const LOCK_THREAD = statement("lock_thread", "SELECT id FROM threads WHERE id = $1 FOR UPDATE");

const LOCK_THREAD_OF_QUEUED_TURN = statement(
  "lock_thread_of_queued_turn",
  `SELECT threads.id FROM threads
   JOIN thread_queued_turns ON thread_queued_turns.thread_id = threads.id
   WHERE thread_queued_turns.queued_turn_id = $1
   FOR UPDATE OF threads`,
);

/**
 * The batcher takes the same locks for a whole batch first, in one global order (by id), so
 * that two instances whose batches touch the same threads in different call orders wait for
 * each other instead of deadlocking. The ops' own locks are then already held.
 */
const LOCK_THREADS_IN_ORDER = statement(
  "lock_threads_in_order",
  `SELECT id FROM threads
   WHERE id = ANY($1::text[])
      OR id IN (SELECT thread_id FROM thread_queued_turns WHERE queued_turn_id = ANY($2::text[]))
   ORDER BY id
   FOR UPDATE`,
);

/**
 * False when the thread does not exist (nothing is locked then). A thread the batch locked up
 * front exists and is locked until the transaction ends, so that costs no round trip.
 */
export async function lockThread(db: Db, threadId: string): Promise<boolean> {
  if (db.lockedThreads?.has(threadId) === true) return true;
  return (await run(db, LOCK_THREAD, [threadId])).rows.length > 0;
}

/** For ops that know only the queued turn; false when that row does not exist. */
export async function lockThreadOfQueuedTurn(db: Db, queuedTurnId: string): Promise<boolean> {
  return (await run(db, LOCK_THREAD_OF_QUEUED_TURN, [queuedTurnId])).rows.length > 0;
}

export interface ThreadLockTargets {
  threadIds: readonly string[];
  /** Threads named through one of their queued turns. */
  queuedTurnIds: readonly string[];
}

/** Returns the ids of the threads locked (those that exist). */
export async function lockThreadsInOrder(db: Db, { threadIds, queuedTurnIds }: ThreadLockTargets): Promise<Set<string>> {
  const { rows } = await run<{ id: string }>(db, LOCK_THREADS_IN_ORDER, [[...threadIds], [...queuedTurnIds]]);
  return new Set(rows.map((row) => row.id));
}
