import type { OpContext } from "./op-context.js";

/** Remembers which started turn belongs to the claim, so only that turn's start clears it. */
export function prepareSetDispatchTurnId({ db, now }: OpContext): (queuedTurnId: string, turnId: string) => boolean {
  const update = db.prepare<{ queuedTurnId: string; turnId: string; now: number }>(`
    UPDATE thread_queued_turns
    SET dispatch_turn_id = @turnId, updated_at_ms = @now
    WHERE queued_turn_id = @queuedTurnId AND state = 'dispatching'`);
  return (queuedTurnId, turnId) => update.run({ queuedTurnId, turnId, now: now() }).changes > 0;
}
