import { describe, expect, it, vi } from "vitest";
import { createMemoryTransportPair } from "./memory.js";

describe("MemoryTransport pair", () => {
  it("delivers what one end sends to the other, as JSON would", async () => {
    const [a, b] = createMemoryTransportPair();
    const received: unknown[] = [];
    b.onmessage = (message) => received.push(message);
    await a.start();
    await a.send({ method: "n", params: { kept: 1, dropped: undefined } });
    // b has not started: the message waits instead of being lost.
    await Promise.resolve();
    expect(received).toEqual([]);
    await b.start();
    expect(received).toEqual([{ method: "n", params: { kept: 1 } }]);
    expect(a.sent).toEqual([{ method: "n", params: { kept: 1 } }]);
  });

  it("delivers messages sent before close, then closes both ends once", async () => {
    const [a, b] = createMemoryTransportPair();
    const received: unknown[] = [];
    const order: string[] = [];
    b.onmessage = (message) => received.push(message);
    a.onclose = () => order.push("a closed");
    b.onclose = () => order.push(`b closed after ${received.length}`);
    await Promise.all([a.start(), b.start()]);
    await a.send({ method: "last" });
    await a.close();
    await a.close();
    await vi.waitFor(() => expect(order).toHaveLength(2));
    expect(order.sort()).toEqual(["a closed", "b closed after 1"]);
    await expect(b.send({ method: "x" })).rejects.toThrow("Connection closed");
  });

  it("reports injected garbage as a parse error frame", async () => {
    const [a] = createMemoryTransportPair();
    const codes: number[] = [];
    a.onframeerror = (error) => codes.push(error.code);
    await a.start();
    a.injectText("{");
    await vi.waitFor(() => expect(codes).toEqual([-32700]));
  });
});
