/**
 * A running server: the runtime plus one `ConnectionSession` per transport. Transports are
 * attached from outside (stdio, WebSocket, in-memory in tests); the server never opens them.
 */
import { createDispatcher } from "../../generated/server/dispatcher.js";
import type { Transport } from "../../generated/runtime/transport.js";
import type { ServerRuntime } from "../runtime.js";
import { ConnectionSession } from "./connection-session.js";
import { createHandlers } from "./handlers/index.js";
import type { RequestContext } from "./request-context.js";

export class QueueServer {
  private readonly sessions = new Set<ConnectionSession>();
  private readonly dispatcher;

  constructor(readonly runtime: ServerRuntime) {
    this.dispatcher = createDispatcher<RequestContext>(createHandlers(runtime), {
      validateResults: runtime.options.validateOutgoing,
      onError: (error, method) => runtime.logger.error(`handler for ${method} failed`, error),
    });
  }

  /** Serves one connection until its transport closes; `onClose` runs after that. */
  async accept(transport: Transport, onClose?: () => void): Promise<ConnectionSession> {
    const options = this.runtime.options;
    const session = new ConnectionSession(transport, this.dispatcher, {
      maxInFlightRequests: options.maxInFlightRequests,
      outbound: { pauseBytes: options.outboundHighWaterBytes, maxBytes: options.maxOutboundBytes },
      // A list page may carry up to --max-page-bytes: room for it is held while it is read.
      answerReservation: (method) => (method === "thread/queue/list" ? options.maxPageBytes : 0),
      logger: this.runtime.logger,
      onClose: (closed) => {
        this.runtime.registry.unsubscribeEverywhere(closed);
        // Requests read before the close are still answered; shutdown waits for them.
        void closed.idle().then(() => this.sessions.delete(closed));
        onClose?.();
      },
    });
    this.sessions.add(session);
    await session.start();
    return session;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Clean shutdown: requests already received are answered (their writes committed), turns
   * end, per-thread work settles, the store closes, then the connections.
   */
  async close(): Promise<void> {
    const sessions = [...this.sessions];
    await Promise.all(sessions.map((session) => session.idle()));
    await this.runtime.close();
    await Promise.all(sessions.map((session) => session.idle()));
    await Promise.all(sessions.map((session) => session.close()));
  }
}
