import { invalidRequest } from "../../../generated/runtime/errors.js";
import type { ThreadQueueListParams, ThreadQueueListResponse } from "../../../generated/types/v2/index.js";
import { toQueuedTurn } from "../../queue/queued-turn-view.js";
import type { ServerRuntime } from "../../runtime.js";
import { decodeQueueCursor, encodeQueueCursor } from "../../store/queue-cursor.js";
import { parseThreadId } from "../../threads/thread-ids.js";

export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 100;

/** Visible rows in queue order, keyset-paginated: a deep page costs the same as the first. */
export function threadQueueListHandler(runtime: ServerRuntime) {
  return async (params: ThreadQueueListParams): Promise<ThreadQueueListResponse> => {
    const threadId = parseThreadId(params.threadId);
    let afterOrder: number | null = null;
    if (params.cursor !== undefined && params.cursor !== null) {
      afterOrder = decodeQueueCursor(params.cursor);
      if (afterOrder === null) throw invalidRequest(`invalid cursor: ${params.cursor}`);
    }
    const limit = Math.min(Math.max(params.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
    // Ends early (with a cursor) before a row that would pass --max-page-bytes; a first row larger than that comes alone.
    const page = await runtime.store.listVisibleQueuedTurnsPage(threadId, { afterOrder, limit, maxBytes: runtime.options.maxPageBytes });
    const last = page.rows.at(-1);
    return {
      data: page.rows.map(toQueuedTurn),
      nextCursor: page.hasMore && last !== undefined ? encodeQueueCursor(last.queueOrder) : null,
    };
  };
}
