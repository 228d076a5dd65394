/**
 * Wires one server process together: the store, the loaded threads, the turn coordinator and
 * the queue dispatcher. Transports and connections come on top (server/main.ts); an embedder
 * can build the same runtime with its own `TurnRunner` and `QueueStore`.
 */
import type { QueueStore } from "./store/queue-store.js";
import type { TurnRunner } from "./turns/turn-runner.js";
import type { Logger } from "./logger.js";
import type { ServerOptions } from "./server-options.js";
import { ThreadRegistry } from "./threads/thread-registry.js";
import { ThreadService } from "./threads/thread-service.js";
import { KeyedSerialExecutor } from "./threads/serial-executor.js";
import { TurnCoordinator } from "./turns/turn-coordinator.js";
import { QueueDispatcher } from "./queue/queue-dispatcher.js";

export interface ServerRuntime {
  readonly options: ServerOptions;
  readonly store: QueueStore;
  readonly registry: ThreadRegistry;
  readonly threads: ThreadService;
  readonly turns: TurnCoordinator;
  readonly queue: QueueDispatcher;
  readonly logger: Logger;
  /** Stops turns, waits for queued per-thread work, then closes the store (in-flight writes finish). */
  close(): Promise<void>;
}

export interface ServerRuntimeInit {
  readonly store: QueueStore;
  readonly runner: TurnRunner;
  readonly options: ServerOptions;
  readonly logger: Logger;
}

export function createServerRuntime({ store, runner, options, logger }: ServerRuntimeInit): ServerRuntime {
  const registry = new ThreadRegistry();
  const lanes = new KeyedSerialExecutor();
  const queue = new QueueDispatcher(store, registry, lanes, logger);
  const turns = new TurnCoordinator(registry, runner, {
    turnStarted: (threadId, turnId) => queue.turnStarted(threadId, turnId),
    turnEnded: (threadId) => void queue.drain(threadId),
  });
  queue.attachTurns(turns);
  const threads = new ThreadService(store, registry, options);
  let closing: Promise<void> | undefined;
  return {
    options,
    store,
    registry,
    threads,
    turns,
    queue,
    logger,
    close() {
      closing ??= (async () => {
        queue.stop();
        await runner.close();
        await lanes.idle();
        await store.close();
      })();
      return closing;
    },
  };
}
