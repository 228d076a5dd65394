import type { Thread } from "../../generated/types/v2/index.js";
import type { LoadedThread } from "./loaded-thread.js";

/**
 * The upstream `Thread` shape for a loaded thread. Turn history is not kept by the reference
 * server (`turns` is always empty; turns are reported live by notifications).
 */
export function toThreadView(thread: LoadedThread, version: string): Thread {
  const createdAt = Math.floor(thread.createdAtMs / 1000);
  return {
    id: thread.id,
    sessionId: thread.id,
    cliVersion: version,
    createdAt,
    updatedAt: createdAt,
    cwd: thread.cwd,
    ephemeral: thread.ephemeral,
    modelProvider: thread.modelProvider,
    preview: "",
    projectId: null,
    source: "appServer",
    status: thread.activeTurnIds.size > 0 ? { type: "active", activeFlags: [] } : { type: "idle" },
    turns: [],
  };
}
