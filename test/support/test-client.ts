/**
 * The generated typed client, as a client team would use it, plus a recorder of every
 * notification so scenarios can wait for "the next thread/queue/changed" and assert order.
 * `validateIncoming` is on: everything the server sends must match the schemas.
 */
import { createClient, type Client } from "../../generated/client/index.js";
import type { ParamsOf, ServerNotificationMethod } from "../../generated/protocol/methods.js";
import type { Transport } from "../../generated/runtime/transport.js";

export const SERVER_NOTIFICATIONS: readonly ServerNotificationMethod[] = [
  "thread/started",
  "turn/started",
  "turn/completed",
  "error",
  "thread/queue/changed",
];

export interface RecordedNotification {
  readonly method: ServerNotificationMethod;
  readonly params: unknown;
}

export class TestClient {
  readonly client: Client;
  readonly notifications: RecordedNotification[] = [];
  readonly errors: Error[] = [];
  private cursor = 0;
  private wake: Array<() => void> = [];

  constructor(transport: Transport) {
    this.client = createClient(transport, {
      validateIncoming: true,
      requestTimeoutMs: 20_000,
      onError: (error) => this.errors.push(error),
    });
    for (const method of SERVER_NOTIFICATIONS) {
      this.client.on(method, (params) => {
        this.notifications.push({ method, params });
        for (const wake of this.wake.splice(0)) wake();
      });
    }
  }

  /** initialize + initialized, with the experimental API unless told otherwise. */
  async initialize(capabilities: { experimentalApi?: boolean; optOutNotificationMethods?: string[] } = { experimentalApi: true }) {
    const result = await this.client.request("initialize", {
      clientInfo: { name: "thread-queue-tests", title: null, version: "1.0.0" },
      capabilities: { experimentalApi: capabilities.experimentalApi ?? false, optOutNotificationMethods: capabilities.optOutNotificationMethods ?? null },
    });
    await this.client.notify("initialized");
    return result;
  }

  /**
   * The next notification of `method` after the ones already consumed (in arrival order)
   * that satisfies `predicate`; notifications skipped over stay recorded.
   */
  async next<M extends ServerNotificationMethod>(
    method: M,
    predicate: (params: ParamsOf<M>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<ParamsOf<M>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (; this.cursor < this.notifications.length; this.cursor += 1) {
        const candidate = this.notifications[this.cursor];
        if (candidate?.method === method && predicate(candidate.params as ParamsOf<M>)) {
          this.cursor += 1;
          return candidate.params as ParamsOf<M>;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.notifications.map((n) => n.method).join(", ");
        throw new Error(`no ${method} notification within ${timeoutMs} ms (seen: ${seen || "none"})`);
      }
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        setTimeout(resolve, Math.min(left, 100));
      });
    }
  }

  /** Notifications of `method` received so far. */
  all<M extends ServerNotificationMethod>(method: M): ParamsOf<M>[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.params as ParamsOf<M>);
  }

  /** Waits until nothing new has arrived for `quietMs`: "and nothing else happens". */
  async settle(quietMs = 300): Promise<void> {
    let count = -1;
    while (count !== this.notifications.length) {
      count = this.notifications.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
