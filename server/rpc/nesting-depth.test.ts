import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "./nesting-depth.js";

const arrays = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);

describe("nestsDeeperThan", () => {
  it("counts the message itself as level 1 and scalars as no level", () => {
    expect(nestsDeeperThan(7, 0)).toBe(false);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [] }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: [1, "x"], b: { c: null } }, 2)).toBe(false);
  });

  it("finds the one deep branch among shallow ones, at exactly limit + 1", () => {
    expect(nestsDeeperThan({ shallow: [1], deep: arrays(127) }, 128)).toBe(false);
    expect(nestsDeeperThan({ shallow: [1], deep: arrays(128) }, 128)).toBe(true);
  });

  it("walks a million levels without recursion", () => {
    expect(nestsDeeperThan(arrays(1_000_000), 128)).toBe(true);
  });
});
