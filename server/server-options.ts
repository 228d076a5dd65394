/** Limits and defaults of one server process; every field has a documented default. */
export interface ServerOptions {
  /** Characters of text input one turn may carry (`turn/start` and `thread/queue/add`). */
  readonly maxInputChars: number;
  /** Rows one thread's queue may hold. */
  readonly maxQueueLength: number;
  /** Requests one connection may have unanswered before it gets -32001. */
  readonly maxInFlightRequests: number;
  /** Reported as `cliVersion` and in `userAgent`. */
  readonly version: string;
  /** Where a thread runs when `thread/start` names no `cwd`. */
  readonly defaultCwd: string;
  /** Validate every result and notification against its schema before sending (debug). */
  readonly validateOutgoing: boolean;
}
