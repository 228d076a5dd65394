import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS, FlagError, parseServerFlags, type ServerFlags } from "./server-flags.js";

const parse = (...argv: string[]): ServerFlags => parseServerFlags(argv, {}) as ServerFlags;

describe("the budget flags", () => {
  it("default to the documented budgets", () => {
    const flags = parse();
    expect(flags).toMatchObject({
      maxTurnParamsBytes: 8 * 1024 * 1024,
      maxQueueBytes: 64 * 1024 * 1024,
      maxPageBytes: 1024 * 1024,
      outboundHighWaterBytes: 8 * 1024 * 1024,
      maxOutboundBytes: 128 * 1024 * 1024,
      threadIdleUnloadMs: 60_000,
    });
    expect(DEFAULT_BUDGETS.maxOutboundBytes).toBeGreaterThanOrEqual(2 * DEFAULT_BUDGETS.maxQueueBytes);
  });

  it("take positive integers up to 256 MiB, so no message can come near V8's string limit", () => {
    expect(parse("--max-page-bytes", "4096").maxPageBytes).toBe(4096);
    expect(() => parse("--max-page-bytes", "0")).toThrow(FlagError);
    expect(() => parse("--max-turn-params-bytes", "1.5")).toThrow(FlagError);
    expect(() => parse("--max-queue-bytes", String(512 * 1024 * 1024))).toThrow("--max-queue-bytes must be at most 268435456 (256 MiB), got 536870912");
  });

  it("refuse an outbound limit that would cut off a subscriber reading a full queue", () => {
    expect(() => parse("--max-queue-bytes", String(100 * 1024 * 1024))).toThrow(
      "--max-outbound-bytes (134217728) must be at least twice --max-queue-bytes (104857600) and at least --outbound-high-water-bytes (8388608)",
    );
    expect(parse("--max-queue-bytes", String(100 * 1024 * 1024), "--max-outbound-bytes", String(200 * 1024 * 1024)).maxQueueBytes).toBe(100 * 1024 * 1024);
    expect(() => parse("--outbound-high-water-bytes", String(200 * 1024 * 1024))).toThrow(FlagError);
  });
});
