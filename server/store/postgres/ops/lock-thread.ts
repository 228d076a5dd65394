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

/** False when the thread does not exist (nothing is locked then). */
export async function lockThread(db: Db, threadId: string): Promise<boolean> {
  return (await run(db, LOCK_THREAD, [threadId])).rows.length > 0;
}

/** For ops that know only the queued turn; false when that row does not exist. */
export async function lockThreadOfQueuedTurn(db: Db, queuedTurnId: string): Promise<boolean> {
  return (await run(db, LOCK_THREAD_OF_QUEUED_TURN, [queuedTurnId])).rows.length > 0;
}
