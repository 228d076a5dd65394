/**
 * The seam between the queue server and whatever actually runs a turn.
 *
 * The reference server never calls a model: it ships `EchoTurnRunner`. An embedder plugs a
 * real agent in by implementing `TurnRunner` and passing it to `createServerRuntime`.
 *
 * Contract:
 * - `start` decides synchronously-or-soon whether the turn can start. It rejects with a
 *   `TurnStartError` (whose message is shown to clients, and becomes
 *   `queued turn could not start: <message>` for a queued dispatch) and then must not emit
 *   anything for that turn. When it resolves, the turn is accepted: the runner later calls
 *   `events.started` exactly once, then `events.completed` exactly once.
 * - `started` must not be called before `start` has resolved: the server records a direct
 *   `turn/start` as "accepted, lifecycle not yet seen" between the two, and the queue waits.
 * - `interrupt` asks an accepted turn to end; the runner completes it with status
 *   `interrupted`. It returns false when the turn is unknown or already finished.
 */
import type { TurnStartParams, ThreadItem, TurnError } from "../../generated/types/v2/index.js";

export interface TurnStartRequest {
  readonly threadId: string;
  readonly turnId: string;
  readonly params: TurnStartParams;
}

export type TurnOutcome =
  | { readonly status: "completed"; readonly items: readonly ThreadItem[] }
  | { readonly status: "interrupted"; readonly items: readonly ThreadItem[] }
  | { readonly status: "failed"; readonly items: readonly ThreadItem[]; readonly error: TurnError };

export interface TurnEvents {
  started(): void;
  completed(outcome: TurnOutcome): void;
}

export interface TurnRunner {
  start(request: TurnStartRequest, events: TurnEvents): Promise<void>;
  interrupt(turnId: string): boolean;
  /** Ends every running turn as interrupted (shutdown). */
  close(): Promise<void>;
}

/** A turn that cannot start; the message is user-facing. */
export class TurnStartError extends Error {
  override readonly name = "TurnStartError";
}
