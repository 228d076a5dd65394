import { describe, expect, it } from "vitest";
import { isQueueStoreError } from "./queue-store.js";
import { BatchQueue } from "./batch-queue.js";

interface Item {
  name: string;
  rejected?: unknown;
  reject(error: unknown): void;
}

const item = (name: string): Item => {
  const created: Item = { name, reject: (error) => (created.rejected = error) };
  return created;
};

/** A runBatch that records batches and finishes when the test says so. */
function recorder() {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  const run = (batch: Item[]) =>
    new Promise<void>((resolve) => {
      batches.push(batch.map((entry) => entry.name));
      finishers.push(resolve);
    });
  const finishNext = async () => {
    while (finishers.length === 0) await new Promise((resolve) => setImmediate(resolve));
    finishers.shift()?.();
  };
  return { batches, run, finishNext };
}

describe("BatchQueue", () => {
  it("puts items pushed in one tick into one batch", async () => {
    const { batches, run, finishNext } = recorder();
    const queue = new BatchQueue(run, 100);
    queue.push(item("a"));
    queue.push(item("b"));
    await finishNext();
    expect(batches).toEqual([["a", "b"]]);
  });

  it("collects items pushed while a batch runs into the next batch", async () => {
    const { batches, run, finishNext } = recorder();
    const queue = new BatchQueue(run, 100);
    queue.push(item("x"));
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve));
    queue.push(item("y"));
    queue.push(item("z"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([["x"]]);
    await finishNext();
    await finishNext();
    expect(batches).toEqual([["x"], ["y", "z"]]);
  });

  it("caps a batch at maxBatchSize, keeping call order", async () => {
    const { batches, run, finishNext } = recorder();
    const queue = new BatchQueue(run, 2);
    for (const name of ["a", "b", "c", "d", "e"]) queue.push(item(name));
    for (let i = 0; i < 3; i++) await finishNext();
    expect(batches).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("runs pushFront items first, even after close()", async () => {
    const { batches, run, finishNext } = recorder();
    const queue = new BatchQueue(run, 10);
    queue.push(item("a"));
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve));
    queue.push(item("b"));
    const closed = queue.close();
    queue.pushFront([item("a-again")]);
    await finishNext();
    await finishNext();
    await closed;
    expect(batches).toEqual([["a"], ["a-again", "b"]]);
  });

  it("close() waits for accepted items and refuses later ones with `closed`", async () => {
    const { batches, run, finishNext } = recorder();
    const queue = new BatchQueue(run, 10);
    queue.push(item("a"));
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    const late = item("late");
    queue.push(late);
    expect(isQueueStoreError(late.rejected, "closed")).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    await finishNext();
    await closing;
    expect(batches).toEqual([["a"]]);
  });

  it("rejects a batch's items if runBatch throws, and goes on with the next", async () => {
    const seen: string[][] = [];
    const queue = new BatchQueue<Item>(async (batch) => {
      seen.push(batch.map((entry) => entry.name));
      if (batch.some((entry) => entry.name === "bad")) throw new Error("bug");
    }, 1);
    const bad = item("bad");
    queue.push(bad);
    queue.push(item("good"));
    await queue.close();
    expect((bad.rejected as Error).message).toBe("bug");
    expect(seen).toEqual([["bad"], ["good"]]);
  });

  it("refuses a maxBatchSize below 1", () => {
    expect(() => new BatchQueue(async () => undefined, 0)).toThrow(RangeError);
  });
});
