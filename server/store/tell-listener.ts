import type { QueueChange, QueueChangeListener } from "./queue-store.js";

/** Hands a change to one listener; its failure is its own — the other listeners and the feed go on. */
export function tellListener(listener: QueueChangeListener, change: QueueChange): void {
  try {
    listener(change);
  } catch {
    // Deliberately dropped: see above.
  }
}

/** The first event of every subscriber, once its feed is live: what was committed before may have been missed. */
export const LISTENING: QueueChange = { type: "resync", reason: "listening for queue changes" };
