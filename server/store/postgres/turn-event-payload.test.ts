import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TurnEvent, TurnEventMethod } from "../queue-store.js";
import { MAX_PAYLOAD_BYTES, packTurnEvents, parseTurnEventPayload, type TurnEventEntry } from "./turn-event-payload.js";

const ORIGIN = "0197a3c4-0000-7000-8000-000000000001";
const SCHEMA = "thread_queue_test";

const methods: TurnEventMethod[] = ["turn/started", "turn/completed", "error"];
const event = fc.record({
  threadId: fc.uuid(),
  method: fc.constantFrom(...methods),
  // Any text: the params are carried as they are, multi-byte characters and newlines included.
  paramsJson: fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme", minLength: 1000, maxLength: 5000 })),
});

/** What a listener receives: the schema, as the SQL prepends it, then the payload. */
function received(payload: string): string {
  return SCHEMA + payload;
}

describe("turn event payloads", () => {
  it("unpack to the published events, in order, each payload within NOTIFY's limit", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events: TurnEvent[]) => {
        const delivered: TurnEventEntry[] = [];
        for (const packed of packTurnEvents(ORIGIN, events)) {
          if (packed.kind === "stored") {
            // The table's row stands in for the params; the SQL appends its event_seq.
            const parsed = parseTurnEventPayload(received(packed.header + "42"));
            expect(parsed?.entries).toEqual([{ threadId: packed.event.threadId, method: packed.event.method, storedSeq: 42 }]);
            expect(Buffer.byteLength(ORIGIN) + Buffer.byteLength(packed.event.paramsJson)).toBeGreaterThan(MAX_PAYLOAD_BYTES - 200);
            delivered.push({ threadId: packed.event.threadId, method: packed.event.method, paramsJson: packed.event.paramsJson });
            continue;
          }
          expect(Buffer.byteLength(packed.payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
          const parsed = parseTurnEventPayload(received(packed.payload));
          expect(parsed?.schema).toBe(SCHEMA);
          expect(parsed?.origin).toBe(ORIGIN);
          delivered.push(...(parsed?.entries ?? []));
        }
        expect(delivered).toEqual(events.map(({ threadId, method, paramsJson }) => ({ threadId, method, paramsJson })));
      }),
      // Failing cases hold kilobytes of text: shrinking them would take minutes, the first one says enough.
      { numRuns: 300, endOnFailure: true },
    );
  });

  it("packs many small events into one notification", () => {
    const events = Array.from({ length: 40 }, (_, i): TurnEvent => ({ threadId: `thread-${i % 3}`, method: "turn/completed", paramsJson: `{"n":${i}}` }));
    const packed = packTurnEvents(ORIGIN, events);
    expect(packed).toHaveLength(1);
    expect(parseTurnEventPayload(received(packed[0]?.kind === "inline" ? packed[0].payload : ""))?.entries).toHaveLength(40);
  });

  it("keeps the order around an event too large for a payload", () => {
    const large: TurnEvent = { threadId: "t", method: "turn/completed", paramsJson: JSON.stringify({ text: "x".repeat(MAX_PAYLOAD_BYTES) }) };
    const small = (n: number): TurnEvent => ({ threadId: "t", method: "turn/started", paramsJson: `{"n":${n}}` });
    expect(packTurnEvents(ORIGIN, [small(1), large, small(2)]).map((p) => p.kind)).toEqual(["inline", "stored", "inline"]);
  });

  it("refuses text that is not one of ours", () => {
    for (const text of ["", "schema", `${SCHEMA}\n${ORIGIN}\n`, `${SCHEMA}\n${ORIGIN}\nt\nturn/started\n99\n{}`, `${SCHEMA}\n${ORIGIN}\nt\nnot/a/method\n2\n{}`, `${SCHEMA}\n${ORIGIN}\nt\nturn/started\nx\n{}`]) {
      expect(parseTurnEventPayload(text)).toBeUndefined();
    }
  });
});
