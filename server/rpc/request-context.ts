import type { ConnectionSession } from "./connection-session.js";

/** What a handler gets besides its params. */
export interface RequestContext {
  readonly session: ConnectionSession;
  /**
   * Work to run once the response has been written — SPEC §3's order is response, then
   * `thread/queue/changed`, then a drain attempt. Tasks run in registration order.
   */
  afterResponse(task: () => Promise<void> | void): void;
}
