/**
 * Realistic messages for the validator benchmarks: what a client that queues work sends
 * (thread/queue/add params) and what it receives (thread/queue/changed with 10 queued turns,
 * one of them failed). Typed with the generated types, so a schema change that makes them
 * invalid fails the typecheck, not just the benchmark.
 */
import type { QueuedTurn, ThreadQueueAddParams, ThreadQueueChangedNotification, TurnStartParams } from "../../generated/types/v2/index.js";

const THREAD_ID = "019a6f1e-3c4d-7b2a-9e8f-0a1b2c3d4e5f";

function turnStartParams(n: number): TurnStartParams {
  const text = `Refactor module ${n}: extract the retry loop into its own function and add a test for the timeout path.`;
  return {
    threadId: THREAD_ID,
    input: [
      { type: "text", text, text_elements: [{ byteRange: { start: 0, end: 8 }, placeholder: null }] },
      { type: "localImage", path: `/home/dev/screens/step-${n}.png` },
    ],
    cwd: "/home/dev/project",
    model: "gpt-5-codex",
    effort: n % 2 === 0 ? "medium" : "high",
    summary: "auto",
    approvalPolicy: "on-request",
    sandboxPolicy: { type: "workspaceWrite", writableRoots: ["/home/dev/project"], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
    personality: null,
  };
}

export function queueAddParams(): ThreadQueueAddParams {
  return { threadId: THREAD_ID, turnStartParams: turnStartParams(0) };
}

export function queueChangedNotification(): ThreadQueueChangedNotification {
  const queuedTurns: QueuedTurn[] = Array.from({ length: 10 }, (_, n) => ({
    id: `019a6f1e-4000-7000-8000-${String(n).padStart(12, "0")}`,
    turnStartParams: turnStartParams(n),
    status:
      n === 0
        ? { type: "failed", error: { message: "queued turn could not start: cwd is not an existing directory", codexErrorInfo: null, additionalDetails: null } }
        : { type: "pending" },
  }));
  return { threadId: THREAD_ID, queuedTurns };
}
