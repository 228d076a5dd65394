/** Limits and defaults of one server process; every field has a documented default. */
export interface ServerOptions {
  /** Characters of text input one turn may carry (`turn/start` and `thread/queue/add`). */
  readonly maxInputChars: number;
  /** Rows one thread's queue may hold. */
  readonly maxQueueLength: number;
  /** Requests one connection may have unanswered before it gets -32001. */
  readonly maxInFlightRequests: number;
  /** Bytes of serialized `turnStartParams` one turn or queued turn may carry. */
  readonly maxTurnParamsBytes: number;
  /** Bytes of stored `turnStartParams` one thread's queue may hold in all. */
  readonly maxQueueBytes: number;
  /** Bytes of rows (their stored `turnStartParams`) one `thread/queue/list` page may carry, the first row excepted. */
  readonly maxPageBytes: number;
  /** Unsent bytes of one connection at which it stops being read (see server/transport/outbound-queue.ts). */
  readonly outboundHighWaterBytes: number;
  /** Bytes waiting to be sent to one connection beyond which it is closed. */
  readonly maxOutboundBytes: number;
  /** How long a loaded thread without subscribers and turns stays loaded. */
  readonly threadIdleUnloadMs: number;
  /** Reported as `cliVersion` and in `userAgent`. */
  readonly version: string;
  /** Where a thread runs when `thread/start` names no `cwd`. */
  readonly defaultCwd: string;
  /** Validate every result and notification against its schema before sending (debug). */
  readonly validateOutgoing: boolean;
  /**
   * Send the turn events of persisted threads to the other instances on the database too
   * (docs/scaling-out.md), so their clients see `turn/started`, `turn/completed` and `error`.
   */
  readonly fanOutTurnEvents: boolean;
}

const MiB = 1024 * 1024;

/**
 * The defaults of every option but `version` and `defaultCwd` (the command line's flags and an
 * embedder's `createServerRuntime` share them; docs/guarantees.md › Limits explains the
 * budgets). Together the budgets bound every message the server builds far below V8's
 * ~512 MiB string limit and what one slow client can make it hold.
 */
export const DEFAULT_SERVER_OPTIONS = {
  maxInputChars: 1 << 20,
  maxQueueLength: 10_000,
  maxInFlightRequests: 256,
  maxTurnParamsBytes: 8 * MiB,
  maxQueueBytes: 64 * MiB,
  maxPageBytes: 1 * MiB,
  outboundHighWaterBytes: 8 * MiB,
  maxOutboundBytes: 128 * MiB,
  threadIdleUnloadMs: 60_000,
  validateOutgoing: false,
  fanOutTurnEvents: true,
} as const satisfies Omit<ServerOptions, "version" | "defaultCwd">;

/** What an embedder passes: any option, the rest defaulted (`version` "embedded", `defaultCwd` the process's). */
export type ServerOptionsInit = Partial<ServerOptions>;

export function resolveServerOptions(init: ServerOptionsInit = {}): ServerOptions {
  return { ...DEFAULT_SERVER_OPTIONS, version: "embedded", defaultCwd: process.cwd(), ...init };
}
