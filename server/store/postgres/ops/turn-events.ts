import { TURN_EVENT_RETENTION_MS, type TurnEvent } from "../../queue-store.js";
import { packTurnEvents } from "../turn-event-payload.js";
import { run, statement, type OpContext } from "./op-context.js";

/** The channel turn events travel on; payloads name the schema first (turn-event-payload.ts). */
export const TURN_EVENT_CHANNEL = "thread_turn_event";

/**
 * Several notifications in one statement, one round trip: unnest yields the payloads in array
 * order and each row's pg_notify runs as it is produced, so they are queued (and delivered) in
 * that order.
 */
const NOTIFY = statement("publish_turn_events", "SELECT pg_notify($1, current_schema() || payload) FROM unnest($2::text[]) AS payload");

/** Stored, then named in the notification; events past the retention go in the same statement. */
const STORE = statement(
  "publish_stored_turn_event",
  `WITH stored AS (
     INSERT INTO thread_turn_events (thread_id, origin, method, params_json, created_at_ms)
     VALUES ($2, $3, $4, $5, $6)
     RETURNING event_seq
   ),
   pruned AS (DELETE FROM thread_turn_events WHERE created_at_ms < $7)
   SELECT pg_notify($1, current_schema() || $8 || stored.event_seq::text) FROM stored`,
);

/**
 * Publishes events in the order given: packed into as few notifications as the payload limit
 * allows (turn-event-payload.ts), runs of those as one statement, each event too large for a
 * payload stored and named by its own (so the order holds across both kinds).
 */
export async function publishTurnEvents(context: OpContext, events: readonly TurnEvent[]): Promise<void> {
  let inline: string[] = [];
  const flush = async (): Promise<void> => {
    if (inline.length === 0) return;
    const payloads = inline;
    inline = [];
    await run(context.db, NOTIFY, [TURN_EVENT_CHANNEL, payloads]);
  };
  for (const packed of packTurnEvents(context.origin, events)) {
    if (packed.kind === "inline") {
      inline.push(packed.payload);
      continue;
    }
    await flush();
    const now = context.now();
    const { event, header } = packed;
    await run(context.db, STORE, [TURN_EVENT_CHANNEL, event.threadId, context.origin, event.method, event.paramsJson, now, now - TURN_EVENT_RETENTION_MS, header]);
  }
  await flush();
}
