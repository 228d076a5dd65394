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

describe("the flags of clients behind a load balancer", () => {
  it("--dedupe-retention takes a duration with its unit, 24 h by default", () => {
    expect(parse().dedupeRetentionMs).toBe(24 * 60 * 60 * 1000);
    expect(parse("--dedupe-retention", "90m").dedupeRetentionMs).toBe(90 * 60 * 1000);
    expect(parse("--dedupe-retention", "500ms").dedupeRetentionMs).toBe(500);
    expect(parse("--dedupe-retention", "7d").dedupeRetentionMs).toBe(7 * 24 * 60 * 60 * 1000);
    for (const bad of ["24", "0s", "1.5h", "h", "24 h"]) {
      expect(() => parse("--dedupe-retention", bad)).toThrow(
        `--dedupe-retention must be a positive duration with a unit (500ms, 30s, 90m, 24h, 7d), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it("--turn-event-fan-out is on or off, on by default", () => {
    expect(parse().fanOutTurnEvents).toBe(true);
    expect(parse("--turn-event-fan-out", "off").fanOutTurnEvents).toBe(false);
    expect(parse("--turn-event-fan-out", "on").fanOutTurnEvents).toBe(true);
    expect(() => parse("--turn-event-fan-out", "yes")).toThrow('--turn-event-fan-out must be on or off, got "yes"');
  });
});
