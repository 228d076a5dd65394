/**
 * Wires one server process together: the store, the loaded threads, the turn coordinator and
 * the thread queues. Transports and connections come on top (server/main.ts); an embedder can
 * build the same runtime with its own `TurnRunner` and `QueueStore`.
 */
import type { QueueStore } from "./store/queue-store.js";
import type { TurnRunner } from "./turns/turn-runner.js";
import type { Logger } from "./logger.js";
import { resolveServerOptions, type ServerOptions, type ServerOptionsInit } from "./server-options.js";
import { ThreadRegistry } from "./threads/thread-registry.js";
import { ThreadService } from "./threads/thread-service.js";
import { TurnCoordinator } from "./turns/turn-coordinator.js";
import { IdleThreadUnloader } from "./threads/idle-thread-unloader.js";
import { ThreadQueues } from "./queue/thread-queues.js";
import { newInstanceId } from "./queue/instance-id.js";
import { TurnEventRelay } from "./turns/turn-event-relay.js";
import { TurnStartForwarding } from "./turns/turn-start-forwarding.js";

export interface ServerRuntime {
  readonly options: ServerOptions;
  readonly store: QueueStore;
  readonly registry: ThreadRegistry;
  readonly threads: ThreadService;
  readonly turns: TurnCoordinator;
  readonly queues: ThreadQueues;
  /** turn/start, here or at the instance dispatching the thread. */
  readonly directTurns: TurnStartForwarding;
  readonly logger: Logger;
  /** Stops turns, waits for the queues' background work, then closes the store (in-flight writes finish). */
  close(): Promise<void>;
}

export interface ServerRuntimeInit {
  readonly store: QueueStore;
  readonly runner: TurnRunner;
  /** Limits and defaults; what is left out takes DEFAULT_SERVER_OPTIONS's value. */
  readonly options?: ServerOptionsInit;
  readonly logger: Logger;
  readonly leases?: LeaseOptions;
}

/** How this instance takes part in dispatching threads shared with other instances (docs/scaling-out.md). */
export interface LeaseOptions {
  /** This instance in `thread_leases.owner_id`. Default: `host#pid#random`. */
  readonly ownerId?: string;
  /** How long a lease outlives its owner. Default 10000. Renewed every third of it. */
  readonly ttlMs?: number;
  /** Whether another owner is known to be dead (SQLite: see queue/instance-id.ts). Default: never. */
  readonly isOwnerGone?: (ownerId: string, selfId: string) => boolean;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;

export function createServerRuntime({ store, runner, options: optionsInit, logger, leases = {} }: ServerRuntimeInit): ServerRuntime {
  const options = resolveServerOptions(optionsInit);
  const registry = new ThreadRegistry();
  const ownerId = leases.ownerId ?? newInstanceId();
  const ttlMs = leases.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const isOwnerGone = leases.isOwnerGone;
  const relay = new TurnEventRelay(store, registry, logger, options.fanOutTurnEvents);
  const turns = new TurnCoordinator(registry, runner, Date.now, relay);
  const queues = new ThreadQueues({
    store,
    registry,
    turns,
    logger,
    limits: options,
    leases: { ownerId, ttlMs, isOwnerGone: isOwnerGone === undefined ? undefined : (other) => isOwnerGone(other, ownerId) },
  });
  const directTurns = new TurnStartForwarding({
    store,
    registry,
    queues,
    turns,
    logger,
    ownerId,
    // Long enough for a holder that died to lose its lease: a withdrawn request then runs here.
    answerTimeoutMs: 2 * ttlMs,
  });
  const threads = new ThreadService(store, registry, options);
  const unloader = new IdleThreadUnloader(
    registry,
    { isBusy: (threadId) => queues.hasWorkInFlight(threadId), unloaded: (threadIds) => queues.forget(threadIds) },
    { idleMs: options.threadIdleUnloadMs, logger },
  );
  unloader.start();
  const stopListening = store.subscribeQueueChanges((change) => {
    queues.onQueueChange(change);
    relay.onChange(change);
    directTurns.onChange(change);
  });
  // A third of the lifetime: two renewals may fail (a database hiccup) before the lease lapses.
  const maintenance = setInterval(() => {
    queues.maintainLeases().catch((error: unknown) => logger.warn("renewing thread leases failed", error));
  }, Math.max(1, Math.floor(ttlMs / 3)));
  maintenance.unref();
  let closing: Promise<void> | undefined;
  return {
    options,
    store,
    registry,
    threads,
    turns,
    queues,
    directTurns,
    logger,
    close() {
      closing ??= (async () => {
        clearInterval(maintenance);
        await unloader.stop();
        stopListening();
        queues.stop();
        await runner.close();
        await queues.idle();
        await directTurns.idle();
        await queues.releaseLeases().catch((error: unknown) => logger.warn("releasing thread leases failed; they expire on their own", error));
        await store.close();
      })();
      return closing;
    },
  };
}
