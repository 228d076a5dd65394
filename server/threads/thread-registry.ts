import type { LoadedThread, NotificationSubscriber } from "./loaded-thread.js";
import { PreparedNotification } from "./prepared-notification.js";
import type { ServerNotifications } from "../../generated/protocol/methods.js";

/**
 * The threads loaded in this process, who is subscribed to each, and the fan-out of their
 * notifications. It also remembers since when each thread has had no subscriber, oldest first,
 * so that idle threads can be found without looking at every loaded one (idle-thread-unloader.ts).
 */
export class ThreadRegistry {
  private readonly threads = new Map<string, LoadedThread>();
  /** Subscriber → the threads it is subscribed to, so a closing connection costs its own threads only. */
  private readonly subscriptions = new Map<NotificationSubscriber, Set<string>>();
  /** Thread id → since when (ms) it has had no subscriber; in that order, oldest first. */
  private readonly unwatched = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  get(threadId: string): LoadedThread | undefined {
    return this.threads.get(threadId);
  }

  get size(): number {
    return this.threads.size;
  }

  add(thread: LoadedThread): void {
    this.threads.set(thread.id, thread);
    if (thread.subscribers.size === 0) this.markUnwatched(thread.id);
  }

  /** Forgets a thread (unloaded); its subscribers, if any, stop hearing of it. */
  remove(threadId: string): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    for (const subscriber of thread.subscribers) this.subscriptions.get(subscriber)?.delete(threadId);
    this.threads.delete(threadId);
    this.unwatched.delete(threadId);
  }

  subscribe(threadId: string, subscriber: NotificationSubscriber): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) return;
    thread.subscribers.add(subscriber);
    let threads = this.subscriptions.get(subscriber);
    if (threads === undefined) this.subscriptions.set(subscriber, (threads = new Set()));
    threads.add(threadId);
    this.unwatched.delete(threadId);
  }

  /** A closed connection stops receiving notifications for every thread. */
  unsubscribeEverywhere(subscriber: NotificationSubscriber): void {
    const threadIds = this.subscriptions.get(subscriber);
    if (threadIds === undefined) return;
    this.subscriptions.delete(subscriber);
    for (const threadId of threadIds) {
      const thread = this.threads.get(threadId);
      if (thread === undefined) continue;
      thread.subscribers.delete(subscriber);
      if (thread.subscribers.size === 0) this.markUnwatched(threadId);
    }
  }

  /**
   * Threads without a subscriber since `before` or earlier, oldest first — a walk that stops at
   * the first younger one, so it costs what it returns.
   */
  *unwatchedSince(before: number): IterableIterator<LoadedThread> {
    for (const [threadId, since] of this.unwatched) {
      if (since > before) return;
      const thread = this.threads.get(threadId);
      if (thread !== undefined) yield thread;
    }
  }

  /** Counts the thread as unwatched from now on (it was looked at and kept: a turn was running). */
  touchUnwatched(threadId: string): void {
    if (!this.unwatched.has(threadId)) return;
    this.unwatched.delete(threadId);
    this.unwatched.set(threadId, this.now());
  }

  notify<M extends keyof ServerNotifications & string>(
    threadId: string,
    method: M,
    params: ServerNotifications[M]["params"],
  ): void {
    this.notifyPrepared(threadId, PreparedNotification.of(method, params));
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

  private markUnwatched(threadId: string): void {
    this.unwatched.delete(threadId);
    this.unwatched.set(threadId, this.now());
  }
}
