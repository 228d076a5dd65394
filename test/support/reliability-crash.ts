/**
 * Crash rounds for the durability tests and the soak: a client pipelines thread/queue/add
 * requests at a real server process, which is killed with SIGKILL at a random moment; the
 * next process proves that every acknowledged add survived exactly once, in order, and that
 * nothing unacknowledged was left half-written.
 *
 * The thread is persisted but never loaded by these servers (no thread/start or resume), so
 * nothing dispatches and the queue only grows: what is there is exactly what was committed.
 */
import fc from "fast-check";
import { storedQueueRows } from "./reliability-db.js";
import { initializeRaw, type RawPeer } from "./reliability-server.js";
import { RawStdioPeer } from "./raw-stdio-peer.js";
import { stdioServerArgs } from "./server-process.js";

export interface CrashRoundPlan {
  /** thread/queue/add requests pipelined this round. */
  readonly adds: number;
  /** How many of them are acknowledged before the kill (may be all of them). */
  readonly killAfterAcks: number;
  /** Extra wait before the SIGKILL, so it also lands between answers. */
  readonly delayMs: number;
  /** How many writes the requests are split into. */
  readonly writes: number;
}

/** Unbiased: fast-check's usual pull towards small and extreme values would kill at 0 acks too often. */
export const crashRoundPlan: fc.Arbitrary<CrashRoundPlan> = fc.noBias(
  fc
    .record({ adds: fc.integer({ min: 10, max: 250 }), permille: fc.integer({ min: 0, max: 1000 }), delayMs: fc.integer({ min: 0, max: 4 }), writes: fc.integer({ min: 1, max: 8 }) })
    .map(({ adds, permille, delayMs, writes }) => ({ adds, killAfterAcks: Math.floor((permille * adds) / 1000), delayMs, writes })),
);

/** Everything sent so far over all rounds, in send order, and which adds were acknowledged. */
export class CrashLedger {
  readonly sent: string[] = [];
  readonly acknowledged = new Set<string>();
  /** Adds found committed although the client never saw their answer (allowed, counted). */
  committedUnacknowledged = 0;
  rounds = 0;
  /** Rounds in which the kill left at least one add unanswered: the crash hit mid-stream. */
  roundsWithAddsInFlight = 0;
}

const addFrame = (threadId: string, text: string): string =>
  `${JSON.stringify({ id: text, method: "thread/queue/add", params: { threadId, turnStartParams: { threadId, input: [{ type: "text", text }] } } })}\n`;

/** Lines a killed process left behind: complete answers only (a torn line is not an answer). */
function answeredIds(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    try {
      const answer = JSON.parse(line) as { id?: unknown; result?: unknown };
      return typeof answer.id === "string" && answer.result !== undefined ? [answer.id] : [];
    } catch {
      return [];
    }
  });
}

/** All visible rows of a thread through the server, page by page. */
async function listAll(peer: RawPeer, threadId: string): Promise<string[]> {
  const texts: string[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const id = `list-${(page += 1)}`;
    peer.write(`${JSON.stringify({ id, method: "thread/queue/list", params: { threadId, cursor, limit: 100 } })}\n`);
    const answer = await peer.next();
    const result = answer.result as { data: Array<{ turnStartParams: { input: Array<{ text: string }> } }>; nextCursor: string | null } | undefined;
    if (answer.id !== id || result === undefined) throw new Error(`list failed: ${JSON.stringify(answer)}`);
    texts.push(...result.data.map((row) => row.turnStartParams.input[0]?.text ?? ""));
    cursor = result.nextCursor;
  } while (cursor !== null);
  return texts;
}

/**
 * What must hold after any crash: through the server, every row is a sent add, none twice,
 * in send order, and every acknowledged add is there; in the file, every row is pending and
 * its stored params are exactly what was sent. Returns the problems found.
 */
export async function verifyQueue(peer: RawPeer, dbPath: string, threadId: string, ledger: CrashLedger): Promise<string[]> {
  const problems: string[] = [];
  const listed = await listAll(peer, threadId);
  const position = new Map(ledger.sent.map((text, index) => [text, index]));
  let last = -1;
  const seen = new Set<string>();
  for (const text of listed) {
    const at = position.get(text);
    if (at === undefined) problems.push(`a row nobody sent: ${JSON.stringify(text)}`);
    else if (at <= last) problems.push(`out of order or duplicated: ${text}`);
    else last = at;
    if (seen.has(text)) problems.push(`present twice: ${text}`);
    seen.add(text);
  }
  for (const text of ledger.acknowledged) if (!seen.has(text)) problems.push(`acknowledged add lost: ${text}`);
  ledger.committedUnacknowledged = [...seen].filter((text) => !ledger.acknowledged.has(text)).length;
  const stored = storedQueueRows(dbPath, threadId);
  if (stored.length !== listed.length) problems.push(`the file holds ${stored.length} rows, the server listed ${listed.length}`);
  for (const row of stored) {
    const params = JSON.parse(row.turn_start_params_jsonb) as unknown;
    const text = (params as { input?: Array<{ text?: string }> }).input?.[0]?.text ?? "";
    if (row.state !== "pending") problems.push(`row ${text} is ${row.state}`);
    if (JSON.stringify(params) !== JSON.stringify({ threadId, input: [{ type: "text", text }] })) problems.push(`row ${text} holds ${row.turn_start_params_jsonb}`);
  }
  return problems;
}

/**
 * One round: start a server, check what earlier rounds left (problems returned), pipeline
 * this round's adds, SIGKILL the server once `killAfterAcks` answers are in, and record what
 * was acknowledged (every complete answer the client received, even after the kill).
 */
export async function runCrashRound(dbPath: string, threadId: string, plan: CrashRoundPlan, ledger: CrashLedger): Promise<string[]> {
  const round = (ledger.rounds += 1);
  const peer = new RawStdioPeer(stdioServerArgs(dbPath, ["--log-level", "error"]));
  try {
    await initializeRaw(peer);
    const problems = await verifyQueue(peer, dbPath, threadId, ledger);
    const texts = Array.from({ length: plan.adds }, (_, i) => `r${round}-${i}`);
    ledger.sent.push(...texts);
    const perWrite = Math.ceil(texts.length / plan.writes);
    for (let start = 0; start < texts.length; start += perWrite) {
      peer.write(texts.slice(start, start + perWrite).map((text) => addFrame(threadId, text)).join(""));
      await new Promise((resolve) => setImmediate(resolve));
    }
    let acks = 0;
    while (acks < plan.killAfterAcks) {
      const answer = await peer.next();
      if (typeof answer.id !== "string" || answer.result === undefined) throw new Error(`add failed: ${JSON.stringify(answer)}`);
      ledger.acknowledged.add(answer.id);
      acks += 1;
    }
    if (plan.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    peer.kill("SIGKILL");
    await peer.exited;
    // 'exit' can come before the last bytes of stdout are read; missing some only weakens the check.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Answers already in the pipe reached the client: they count as acknowledged too.
    for (const id of answeredIds(peer.drainLines())) {
      ledger.acknowledged.add(id);
      acks += 1;
    }
    if (acks < plan.adds) ledger.roundsWithAddsInFlight += 1;
    return problems;
  } finally {
    peer.kill("SIGKILL");
  }
}

/** The check after the last round, with a server that is then stopped cleanly. */
export async function verifyAfterCrashes(dbPath: string, threadId: string, ledger: CrashLedger): Promise<string[]> {
  const peer = new RawStdioPeer(stdioServerArgs(dbPath, ["--log-level", "error"]));
  try {
    await initializeRaw(peer);
    return await verifyQueue(peer, dbPath, threadId, ledger);
  } finally {
    await peer.end();
  }
}
