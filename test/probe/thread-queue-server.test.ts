/**
 * The probe against our own server, as issue 18 asks: with the default --runs and --calls,
 * 2,000 calls over every client → server method, valid and invalid params, over stdio and over
 * WebSocket, each session on a fresh server with its own temporary database — and no finding.
 * A run takes 20–30 s in the full suite on a 2-core machine (issue 18 asks for under 60 s); the
 * timeout only catches a hang, so a busy machine cannot fail the test.
 */
import { describe, expect, it } from "vitest";
import { INIT_FILE, jsonReport, nodeCommand, probe } from "./run-probe.js";

const EVERY_METHOD = [
  "initialize", "initialized", "thread/queue/add", "thread/queue/delete", "thread/queue/list",
  "thread/queue/reorder", "thread/resume", "thread/start", "turn/interrupt", "turn/start",
];
const WITHOUT_PARAMS = new Set(["initialized"]);

const TRANSPORTS = [
  { name: "stdio", server: nodeCommand("bin/thread-queue-server.js", "--db", "{tmp}/probe.sqlite", "--log-level", "warn"), listen: "stdio" },
  {
    name: "WebSocket",
    server: nodeCommand("bin/thread-queue-server.js", "--db", "{tmp}/probe.sqlite", "--log-level", "warn", "--listen", "ws://127.0.0.1:{port}"),
    listen: "ws://127.0.0.1:{port}",
  },
] as const;

describe("probe against the thread-queue server", () => {
  for (const transport of TRANSPORTS) {
    it(`sends 2,000 calls over every method over ${transport.name} and finds nothing`, { timeout: 180_000 }, async () => {
      const run = await probe(["--server", transport.server, "--listen", transport.listen, "--init", INIT_FILE, "--seed", "18", "--format", "json"]);
      const report = jsonReport(run);
      expect(report.finding, JSON.stringify(report.transcript)).toBeNull();
      expect(run.code).toBe(0);
      expect(report.calls).toBe(2000);
      expect(Object.keys(report.methods).sort()).toEqual(EVERY_METHOD);
      for (const [method, tally] of Object.entries(report.methods)) {
        expect(tally.valid, `${method}: valid calls`).toBeGreaterThan(0);
        if (!WITHOUT_PARAMS.has(method)) expect(tally.invalid, `${method}: invalid calls`).toBeGreaterThan(0);
      }
      // The pool at work: calls that need a thread the server created do succeed.
      expect(report.methods["thread/queue/add"]!.results).toBeGreaterThan(0);
      expect(report.methods["turn/start"]!.results).toBeGreaterThan(0);
    });
  }
});
