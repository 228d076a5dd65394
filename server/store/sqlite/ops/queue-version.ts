import type { QueueSnapshot } from "../../queue-store.js";
import type { ListVisibleQueuedTurns } from "./list-visible-queued-turns.js";
import type { OpContext } from "./op-context.js";

export type BumpQueueVersion = (threadId: string) => void;

/**
 * The last statement of every op that changes what `list` shows: it runs in the op's savepoint,
 * so the version moves exactly when the change commits, and writers of the file are serialized
 * (one write lock), so versions follow commit order.
 */
export function prepareBumpQueueVersion({ db, changes }: OpContext): BumpQueueVersion {
  const bump = db.prepare<[string], { queue_version: number }>(
    "UPDATE threads SET queue_version = queue_version + 1 WHERE id = ? RETURNING queue_version",
  );
  return (threadId) => {
    const row = bump.get(threadId);
    if (row) changes?.note(threadId, row.queue_version);
  };
}

export interface QueueVersionReads {
  snapshot(threadId: string): QueueSnapshot;
  versions(threadIds: readonly string[]): Map<string, number>;
}

export function prepareQueueVersionReads({ db }: OpContext, list: ListVisibleQueuedTurns): QueueVersionReads {
  const version = db.prepare<[string], { queue_version: number }>("SELECT queue_version FROM threads WHERE id = ?");
  const versions = db.prepare<[string], { id: string; queue_version: number }>(
    "SELECT id, queue_version FROM threads WHERE id IN (SELECT value FROM json_each(?))",
  );
  // One read transaction: another process's commit cannot land between the version and the rows
  // (inside the batcher's write transaction this becomes a savepoint, equally consistent).
  const snapshot = db.transaction((threadId: string): QueueSnapshot => {
    const row = version.get(threadId);
    return row ? { version: row.queue_version, rows: list.all(threadId) } : { version: 0, rows: [] };
  });
  return {
    snapshot: (threadId) => snapshot(threadId),
    versions: (threadIds) => new Map(versions.all(JSON.stringify(threadIds)).map((row) => [row.id, row.queue_version])),
  };
}
