/**
 * The probe against a server with one deliberate fault at a time: each fault is found, the
 * calls are shrunk to the one that shows it, and the printed transcript, replayed against a
 * fresh server, shows the same fault again. Without a fault the same server passes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureCommand, INIT_FILE, jsonReport, probe } from "./run-probe.js";

const folder = mkdtempSync(join(tmpdir(), "probe-fixture-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface FaultCase {
  readonly fault: string;
  readonly kind: string;
  /** The call the fault belongs to (for messages the server sends unasked: what it sent). */
  readonly method?: string;
  readonly received?: string;
  readonly extra?: readonly string[];
}

const FAULTS: readonly FaultCase[] = [
  { fault: "missing-field", kind: "invalid-result", method: "thread/start" },
  { fault: "wrong-code", kind: "wrong-error-code" },
  { fault: "crash", kind: "server-exited", method: "thread/queue/list" },
  // Every hanging candidate costs the timeout while shrinking: 2 s is far beyond what this
  // server needs for any other answer even on a loaded machine, and the budget stops shrinking
  // once the single hanging call is found rather than simplifying its params further.
  { fault: "hang", kind: "timeout", method: "turn/interrupt", extra: ["--timeout-ms", "2000", "--shrink-budget", "12"] },
  { fault: "unknown-notification", kind: "unknown-notification", received: "thread/archived" },
];

function sendLines(file: string): Array<{ send: { method: string }; intent: string; mutation?: string }> {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.send !== undefined) as Array<{ send: { method: string }; intent: string; mutation?: string }>;
}

describe("probe against a server with one fault", () => {
  for (const fault of FAULTS) {
    // The timeout only catches a hang: shrinking starts one server per candidate.
    it(`finds ${fault.fault}, shrinks it to one call, and the transcript replays it`, { timeout: 180_000 }, async () => {
      const transcript = join(folder, `${fault.fault}.ndjson`);
      const run = await probe([
        "--server", fixtureCommand(fault.fault),
        "--init", INIT_FILE,
        "--seed", "7",
        "--format", "json",
        "--transcript", transcript,
        ...(fault.extra ?? []),
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
      const report = jsonReport(run);
      expect(report.finding?.kind).toBe(fault.kind);
      if (fault.method !== undefined) expect(report.finding?.method).toBe(fault.method);
      if (fault.received !== undefined) expect(report.finding?.received).toBe(fault.received);
      expect(report.shrunk?.calls).toBe(1);

      const calls = sendLines(transcript).filter((line) => line.intent !== "init");
      expect(calls).toHaveLength(1);
      if (fault.fault === "wrong-code") {
        expect(calls[0]!.intent).toBe("invalid");
        expect(calls[0]!.mutation).toEqual(expect.any(String));
      }

      const replay = await probe(["--replay", transcript, "--format", "json", ...(fault.extra ?? [])]);
      expect(replay.code).toBe(1);
      const replayed = JSON.parse(replay.stdout) as { finding: { kind: string; method: string; received?: string } };
      expect(replayed.finding.kind).toBe(fault.kind);
      expect(replayed.finding.method).toBe(report.finding?.method);
      expect(replayed.finding.received).toBe(report.finding?.received);
    });
  }

  it("finds nothing when the same server has no fault, over every method", async () => {
    const run = await probe(["--server", fixtureCommand("none"), "--init", INIT_FILE, "--seed", "7", "--format", "json"]);
    expect(run.stderr).toBe("");
    const report = jsonReport(run);
    expect(report.finding).toBeNull();
    expect(run.code).toBe(0);
    expect(report.calls).toBe(2000);
    expect(Object.keys(report.methods).sort()).toEqual([
      "initialize", "initialized", "thread/queue/add", "thread/queue/delete", "thread/queue/list",
      "thread/queue/reorder", "thread/resume", "thread/start", "turn/interrupt", "turn/start",
    ]);
  });

  it("prints the transcript and the seed in the text report, and replays a hand-saved copy", async () => {
    const run = await probe(["--server", fixtureCommand("missing-field"), "--init", INIT_FILE, "--seed", "11"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("seed 11");
    const start = run.stdout.indexOf("--- transcript (NDJSON) ---\n");
    const end = run.stdout.indexOf("--- end of transcript ---");
    expect(start).toBeGreaterThan(0);
    const saved = join(folder, "saved.ndjson");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(saved, run.stdout.slice(start + "--- transcript (NDJSON) ---\n".length, end));
    const replay = await probe(["--replay", saved]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("invalid-result thread/start");
    expect(replay.stdout).toContain("the recorded fault reproduces");
  });
});
