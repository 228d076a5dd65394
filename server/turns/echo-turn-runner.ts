import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { randomUUID } from "node:crypto";
import type { ThreadItem, UserInput } from "../../generated/types/v2/index.js";
import { TurnStartError, type TurnEvents, type TurnRunner, type TurnStartRequest } from "./turn-runner.js";

interface RunningTurn {
  readonly events: TurnEvents;
  readonly items: ThreadItem[];
  timer: NodeJS.Timeout | undefined;
  started: boolean;
  interruptRequested: boolean;
}

/**
 * Test hook, read at construction: milliseconds `start` waits before accepting a turn. The
 * crash tests (test/reliability/crash.test.ts) set it to hold a queued dispatch between its
 * claim and `turn/started`, so that a SIGKILL lands exactly there. Not a user setting.
 */
export const ECHO_START_DELAY_ENV = "THREAD_QUEUE_TEST_ECHO_START_DELAY_MS";

/**
 * The built-in runner: a turn starts at once and completes `delayMs` later with an agent
 * message echoing the text input, unless it is interrupted first.
 */
export class EchoTurnRunner implements TurnRunner {
  private readonly running = new Map<string, RunningTurn>();

  constructor(
    private readonly delayMs: number,
    private readonly startDelayMs: number = Number(process.env[ECHO_START_DELAY_ENV] ?? 0) || 0,
  ) {}

  async start(request: TurnStartRequest, events: TurnEvents): Promise<void> {
    // unref: a shutdown does not wait for a start that is being held on purpose.
    if (this.startDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.startDelayMs).unref());
    const cwd = request.params.cwd;
    if (cwd !== undefined && cwd !== null) await assertUsableCwd(cwd);
    const input = request.params.input;
    const turn: RunningTurn = {
      events,
      items: [
        { type: "userMessage", id: randomUUID(), content: [...input] },
        { type: "agentMessage", id: randomUUID(), text: echoText(input), phase: null },
      ],
      timer: undefined,
      started: false,
      interruptRequested: false,
    };
    this.running.set(request.turnId, turn);
    // Lifecycle events come after `start` resolves, as with a real agent: the server must
    // see the accepted-but-not-yet-started window (SPEC §3, pending turn starts).
    setImmediate(() => this.begin(request.turnId, turn));
  }

  interrupt(turnId: string): boolean {
    const turn = this.running.get(turnId);
    if (turn === undefined) return false;
    if (!turn.started) {
      turn.interruptRequested = true;
      return true;
    }
    this.finish(turnId, turn, "interrupted");
    return true;
  }

  async close(): Promise<void> {
    for (const turnId of [...this.running.keys()]) this.interrupt(turnId);
  }

  private begin(turnId: string, turn: RunningTurn): void {
    turn.started = true;
    turn.events.started();
    if (turn.interruptRequested) {
      this.finish(turnId, turn, "interrupted");
      return;
    }
    turn.timer = setTimeout(() => this.finish(turnId, turn, "completed"), this.delayMs);
  }

  private finish(turnId: string, turn: RunningTurn, status: "completed" | "interrupted"): void {
    if (!this.running.delete(turnId)) return;
    if (turn.timer !== undefined) clearTimeout(turn.timer);
    const items = status === "completed" ? turn.items : turn.items.slice(0, 1);
    turn.events.completed({ status, items });
  }
}

function echoText(input: readonly UserInput[]): string {
  return input
    .flatMap((item) => (item.type === "text" ? [item.text] : []))
    .join("\n");
}

async function assertUsableCwd(cwd: string): Promise<void> {
  if (!isAbsolute(cwd)) throw new TurnStartError(`cwd is not an absolute path: ${cwd}`);
  const info = await stat(cwd).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new TurnStartError(`cwd is not an existing directory: ${cwd}`);
  }
}
