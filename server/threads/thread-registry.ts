import type { LoadedThread, NotificationSubscriber } from "./loaded-thread.js";
import type { PreparedNotification } from "./prepared-notification.js";
import type { ServerNotifications } from "../../generated/protocol/methods.js";

/** The threads loaded in this process, and the fan-out of their notifications. */
export class ThreadRegistry {
  private readonly threads = new Map<string, LoadedThread>();

  get(threadId: string): LoadedThread | undefined {
    return this.threads.get(threadId);
  }

  add(thread: LoadedThread): void {
    this.threads.set(thread.id, thread);
  }

  subscribe(threadId: string, subscriber: NotificationSubscriber): void {
    this.threads.get(threadId)?.subscribers.add(subscriber);
  }

  /** A closed connection stops receiving notifications for every thread. */
  unsubscribeEverywhere(subscriber: NotificationSubscriber): void {
    for (const thread of this.threads.values()) thread.subscribers.delete(subscriber);
  }

  notify<M extends keyof ServerNotifications & string>(
    threadId: string,
    method: M,
    params: ServerNotifications[M]["params"],
  ): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    for (const subscriber of thread.subscribers) subscriber.notify(method, params);
  }

  /** Sends one prepared notification to every subscriber: built and serialised once for all. */
  notifyPrepared(threadId: string, notification: PreparedNotification): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    for (const subscriber of thread.subscribers) subscriber.notifyPrepared(notification);
  }

  all(): IterableIterator<LoadedThread> {
    return this.threads.values();
  }
}
