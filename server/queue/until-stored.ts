/**
 * The dispatcher's writes after a claim (recording the turn id, removing the started row,
 * failing a row that could not start) must not be dropped by a database outage: a row left
 * `dispatching` would block its thread's queue for good. They are retried with capped backoff
 * while the store says `unavailable`, and given up only when the store is closed (shutdown: the
 * row is then recovered as interrupted by whoever takes the thread next).
 */
import { isQueueStoreError } from "../store/queue-store.js";
import type { Logger } from "../logger.js";

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

export async function untilStored<T>(what: string, write: () => Promise<T>, logger: Logger): Promise<T> {
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!isQueueStoreError(error, "unavailable")) throw error;
      logger.warn(`${what}: the store is unavailable, retrying in ${delay} ms`, error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
