import { describe, expect, it } from "vitest";
import { PreparedNotification } from "../threads/prepared-notification.js";
import type { ViewSnapshot } from "./queue-view.js";
import { SnapshotLine } from "./snapshot-line.js";

function line() {
  const sent: number[] = [];
  const prepared: number[] = [];
  const subject = new SnapshotLine(
    (snapshot) => {
      prepared.push(snapshot.version);
      return new PreparedNotification("thread/queue/changed", () => `{"threadId":"t","queuedTurns":[]}`);
    },
    () => sent.push(prepared.at(-1) ?? -1),
  );
  return { subject, sent, prepared };
}
const at = (version: number): ViewSnapshot => ({ version, rows: [] });

describe("SnapshotLine", () => {
  it("sends in version order and drops what is older than what was sent", () => {
    const { subject, sent } = line();
    subject.offer(at(1));
    subject.offer(at(3));
    subject.offer(at(2));
    subject.offer(at(3));
    expect(sent).toEqual([1, 3]);
  });

  it("holds every version from a write's own until its response, then sends them all in order", async () => {
    const { subject, sent } = line();
    subject.offer(at(1));
    const hold = subject.hold();
    subject.offer(at(2)); // committed before the hold knew its version: not held back
    hold.at(3);
    subject.offer(at(4));
    subject.offer(at(3));
    const fourth = subject.whenSent(4);
    let fourthSent = false;
    void fourth.then(() => (fourthSent = true));
    await Promise.resolve();
    expect(sent).toEqual([1, 2]);
    expect(fourthSent).toBe(false);
    hold.release();
    await fourth;
    expect(sent).toEqual([1, 2, 3, 4]);
  });

  it("keeps versions behind the oldest of several holds", () => {
    const { subject, sent } = line();
    const first = subject.hold();
    const second = subject.hold();
    first.at(1);
    second.at(2);
    subject.offer(at(1));
    subject.offer(at(2));
    second.release();
    expect(sent).toEqual([]);
    first.release();
    expect(sent).toEqual([1, 2]);
  });

  it("does not wait for a version that was never offered, and ignores a hold released before its commit", async () => {
    const { subject, sent } = line();
    await subject.whenSent(7);
    const hold = subject.hold();
    hold.release();
    subject.offer(at(1));
    expect(sent).toEqual([1]);
  });

  it("sends the current queue again on resend, unless newer snapshots are on their way", () => {
    const { subject, sent, prepared } = line();
    subject.assumeSent(0);
    subject.resend(at(0));
    expect(sent).toHaveLength(1);
    subject.offer(at(1));
    subject.resend(at(1));
    expect(prepared).toEqual([0, 1, 1]);
    const hold = subject.hold();
    hold.at(2);
    subject.offer(at(2));
    subject.resend(at(1));
    expect(sent).toHaveLength(3);
    hold.release();
    expect(sent).toHaveLength(4);
  });
});

describe("PreparedNotification", () => {
  it("writes its params once, encodes each dialect once, and not at all when nobody asks", () => {
    let writes = 0;
    const unused = new PreparedNotification("thread/queue/changed", () => {
      writes += 1;
      return "{}";
    });
    expect(unused.method).toBe("thread/queue/changed");
    expect(writes).toBe(0);
    const params = '{"threadId":"t","queuedTurns":[]}';
    const notification = new PreparedNotification("thread/queue/changed", () => {
      writes += 1;
      return params;
    });
    const plain = notification.bytes(false);
    expect(notification.bytes(false)).toBe(plain);
    const jsonrpc2 = notification.bytes(true);
    expect(writes).toBe(1);
    expect(Buffer.from(plain).toString("utf8")).toBe(`{"method":"thread/queue/changed","params":${params}}`);
    expect(Buffer.from(jsonrpc2).toString("utf8")).toBe(`{"jsonrpc":"2.0","method":"thread/queue/changed","params":${params}}`);
    expect(JSON.parse(notification.json(false))).toEqual({ method: "thread/queue/changed", params: { threadId: "t", queuedTurns: [] } });
    expect(writes).toBe(1);
  });
});
