import { describe, expect, it } from "vitest";
import type { QueuedTurnRecord } from "../store/queue-store.js";
import { QueueView } from "./queue-view.js";

const row = (id: string, queueOrder: number, state: QueuedTurnRecord["state"] = "pending"): QueuedTurnRecord => ({
  queuedTurnId: id,
  threadId: "t",
  turnStartParamsJson: `{"threadId":"t","input":[{"type":"text","text":"${id}"}]}`,
  queueOrder,
  state,
  dispatchTurnId: null,
  failureJson: state === "failed" ? '{"message":"x","codexErrorInfo":null,"additionalDetails":null}' : null,
  createdAtMs: 0,
  updatedAtMs: 0,
  clientUserMessageId: null,
});
const ids = (view: QueueView) => view.snapshot().rows.map((each) => each.queuedTurnId);

describe("QueueView", () => {
  it("applies the next version, ignores one it has seen, and asks for a read on a gap or an unknown change", () => {
    const view = new QueueView();
    expect(view.apply(1, { type: "append", row: row("a", 0) })).toBe("gap");
    expect(view.reset({ version: 0, rows: [] })).toBe(true);
    expect(view.apply(1, { type: "append", row: row("a", 0) })).toBe("applied");
    expect(view.apply(1, { type: "append", row: row("a", 0) })).toBe("seen");
    expect(view.apply(3, { type: "append", row: row("c", 2) })).toBe("gap");
    expect(view.apply(2, { type: "unknown" })).toBe("gap");
    expect(ids(view)).toEqual(["a"]);
    expect(view.reset({ version: 1, rows: [] })).toBe(false);
  });

  it("keeps a snapshot taken at one version unchanged by later changes", () => {
    const view = new QueueView();
    view.reset({ version: 0, rows: [] });
    view.apply(1, { type: "append", row: row("a", 0) });
    const before = view.snapshot();
    view.apply(2, { type: "append", row: row("b", 1) });
    view.apply(3, { type: "remove", queuedTurnId: "a" });
    expect(before.rows.map((each) => each.queuedTurnId)).toEqual(["a"]);
    expect(ids(view)).toEqual(["b"]);
  });

  it("puts a failed claim back at its place and keeps row JSON across a reorder", () => {
    const view = new QueueView();
    view.reset({ version: 5, rows: [row("b", 1), row("c", 2)] });
    view.apply(6, { type: "fail", row: row("a", 0, "failed") });
    expect(ids(view)).toEqual(["a", "b", "c"]);
    expect(view.head()?.state).toBe("failed");
    const json = view.snapshot().rows[1]?.json;
    view.apply(7, { type: "replace", rows: [row("c", 0, "pending"), { ...row("a", 1, "failed") }, row("b", 2)] });
    expect(ids(view)).toEqual(["c", "a", "b"]);
    expect(view.snapshot().rows[2]?.json).toBe(json);
    expect(JSON.parse(view.snapshot().rows[1]?.json ?? "")).toEqual({
      id: "a",
      turnStartParams: { threadId: "t", input: [{ type: "text", text: "a" }] },
      status: { type: "failed", error: { message: "x", codexErrorInfo: null, additionalDetails: null } },
    });
  });

  it("pages by position like the store's keyset pages", () => {
    const view = new QueueView();
    view.reset({ version: 1, rows: [row("a", 0), row("b", 3), row("c", 4), row("d", 9)] });
    expect(view.page(null, 2)).toMatchObject({ hasMore: true });
    expect(view.page(null, 2).rows.map((each) => each.queuedTurnId)).toEqual(["a", "b"]);
    expect(view.page(3, 2).rows.map((each) => each.queuedTurnId)).toEqual(["c", "d"]);
    expect(view.page(3, 2).hasMore).toBe(false);
    expect(view.page(2, 1).rows.map((each) => each.queuedTurnId)).toEqual(["b"]);
    expect(view.page(9, 5)).toEqual({ rows: [], hasMore: false });
  });

  it("ends a page before the row that would pass a byte budget, but always gives its first row", () => {
    const view = new QueueView();
    view.reset({ version: 1, rows: [row("a", 0), row("b", 1), row("c", 2)] });
    const bytes = view.snapshot().rows[0]?.paramsBytes ?? 0;
    expect(bytes).toBe(Buffer.byteLength(row("a", 0).turnStartParamsJson));
    expect(view.page(null, 10, bytes * 2).rows.map((each) => each.queuedTurnId)).toEqual(["a", "b"]);
    expect(view.page(null, 10, bytes * 2).hasMore).toBe(true);
    expect(view.page(null, 10, 1).rows.map((each) => each.queuedTurnId)).toEqual(["a"]);
    expect(view.page(1, 10, bytes * 2)).toMatchObject({ hasMore: false });
  });
});
