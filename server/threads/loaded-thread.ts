/**
 * What the server knows about a thread loaded in this process: where its turns are in their
 * lifecycle (the queue only drains an idle thread) and who is subscribed to it.
 */
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import type { PreparedNotification } from "./prepared-notification.js";

export interface NotificationSubscriber {
  /** Delivers a notification, subject to the connection's opt-in and opt-out rules. */
  notify<M extends keyof ServerNotifications & string>(method: M, params: ServerNotifications[M]["params"]): void;
  /** The same for a notification built once for every subscriber; untouched when not delivered. */
  notifyPrepared(notification: PreparedNotification): void;
}

export interface LoadedThread {
  readonly id: string;
  readonly ephemeral: boolean;
  readonly createdAtMs: number;
  readonly cwd: string;
  readonly model: string;
  readonly modelProvider: string;
  /**
   * Turns that have started and not yet completed. Usually at most one; a direct
   * `turn/start` on a busy thread is accepted (the runner decides), so this is a set.
   */
  readonly activeTurnIds: Set<string>;
  /** Accepted turn starts (direct or queued) whose `turn/started` has not been seen yet. */
  readonly pendingTurnStarts: Set<string>;
  /** The most recent turn to complete, so a late bookkeeping step can tell it already ran. */
  lastTerminalTurnId: string | null;
  readonly subscribers: Set<NotificationSubscriber>;
}

/** Idle = nothing running and nothing accepted-but-not-yet-visible (SPEC §3 drain). */
export function isThreadIdle(thread: LoadedThread): boolean {
  return thread.activeTurnIds.size === 0 && thread.pendingTurnStarts.size === 0;
}
