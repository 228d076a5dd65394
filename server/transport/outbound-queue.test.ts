import { describe, expect, it } from "vitest";
import { OutboundQueue, type OutboundEvents, type OutboundKind } from "./outbound-queue.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");
const ANSWER: OutboundKind = { kind: "answer" };
const NOTE: OutboundKind = { kind: "notification" };
const snapshot = (key: string): OutboundKind => ({ kind: "snapshot", key });

/** A channel whose writes complete only when the test says so. */
function harness(budget = { pauseBytes: 10, maxBytes: 40 }) {
  const written: string[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const events: string[] = [];
  const hooks: OutboundEvents = {
    congested: () => events.push("congested"),
    relieved: () => events.push("relieved"),
    overflowed: (waiting, count) => events.push(`overflowed ${waiting}/${count}`),
    failed: (_error, dropped) => events.push(`failed ${dropped}`),
  };
  const queue = new OutboundQueue(
    (data) =>
      new Promise<void>((resolve, reject) => {
        written.push(Buffer.from(data).toString("utf8"));
        pending.push({ resolve, reject });
      }),
    budget,
    hooks,
  );
  const complete = async (): Promise<void> => {
    pending.shift()?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { queue, written, events, complete, fail: async (error: Error) => {
    pending.shift()?.reject(error);
    await new Promise((resolve) => setImmediate(resolve));
  } };
}

describe("OutboundQueue", () => {
  it("writes one message at a time, in order", async () => {
    const { queue, written, complete } = harness({ pauseBytes: 1000, maxBytes: 1000 });
    queue.push(bytes("a"), ANSWER);
    queue.push(bytes("b"), NOTE);
    queue.push(bytes("c"), ANSWER);
    expect(written).toEqual(["a"]);
    await complete();
    expect(written).toEqual(["a", "b"]);
    await complete();
    await complete();
    expect(written).toEqual(["a", "b", "c"]);
    await queue.idle();
  });

  it("is congested at pauseBytes of unsent bytes and relieved below half of it", async () => {
    const { queue, events, complete } = harness({ pauseBytes: 10, maxBytes: 100 });
    queue.push(bytes("12345"), ANSWER);
    queue.push(bytes("12345"), ANSWER);
    expect(queue.congested).toBe(true);
    expect(events).toEqual(["congested"]);
    await complete(); // 5 unsent: not yet below half
    expect(queue.congested).toBe(true);
    await complete();
    expect(events).toEqual(["congested", "relieved"]);
  });

  it("counts reservations as unsent until released", () => {
    const { queue, events } = harness({ pauseBytes: 10, maxBytes: 100 });
    const release = queue.reserve(10);
    expect(queue.congested).toBe(true);
    release();
    release();
    expect(queue.unsentBytes).toBe(0);
    expect(events).toEqual(["congested", "relieved"]);
  });

  it("while congested, replaces an unsent snapshot by a newer one of its key, passing answers but never another notification", async () => {
    const { queue, written, complete } = harness({ pauseBytes: 4, maxBytes: 1000 });
    queue.push(bytes("head"), ANSWER); // being written; congested from here on
    queue.push(bytes("T1"), snapshot("t"));
    queue.push(bytes("r1"), ANSWER);
    queue.push(bytes("U1"), snapshot("u"));
    queue.push(bytes("T2"), snapshot("t")); // replaces T1, goes after r1
    queue.push(bytes("n"), NOTE);
    queue.push(bytes("T3"), snapshot("t")); // a notification came after T2: T2 stays
    for (let i = 0; i < 6; i += 1) await complete();
    expect(written).toEqual(["head", "r1", "U1", "T2", "n", "T3"]);
  });

  it("never coalesces while flowing: a reader that keeps up gets every snapshot", async () => {
    const { queue, written, complete } = harness({ pauseBytes: 1000, maxBytes: 1000 });
    queue.push(bytes("T1"), snapshot("t"));
    queue.push(bytes("T2"), snapshot("t"));
    queue.push(bytes("T3"), snapshot("t"));
    for (let i = 0; i < 3; i += 1) await complete();
    expect(written).toEqual(["T1", "T2", "T3"]);
  });

  it("drops everything and reports once when more than maxBytes wait behind the message being written", () => {
    const { queue, events, written } = harness({ pauseBytes: 4, maxBytes: 10 });
    queue.push(bytes("0123456789"), NOTE); // being written: not counted
    queue.push(bytes("0123456789"), NOTE);
    expect(events).toEqual(["congested"]);
    queue.push(bytes("x"), NOTE);
    expect(events).toEqual(["congested", "overflowed 11/2"]);
    expect(queue.dropped).toBe(true);
    queue.push(bytes("later"), ANSWER);
    expect(written).toEqual(["0123456789"]);
  });

  it("drops a backlog of any length at the first failed write, constructing nothing per message", async () => {
    const { queue, events, fail } = harness({ pauseBytes: 1e9, maxBytes: 1e9 });
    for (let i = 0; i < 200_000; i += 1) queue.push(bytes("{}"), ANSWER);
    const started = performance.now();
    await fail(new Error("socket closed"));
    expect(events).toEqual(["failed 200000"]);
    expect(queue.unsentBytes).toBe(0);
    await queue.idle();
    // A generous bound that only catches per-message work (an Error per answer took seconds).
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
