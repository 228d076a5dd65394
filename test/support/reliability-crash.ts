/**
 * Crash rounds for the durability tests and the soak: a client pipelines thread/queue/add
 * requests at a real server process, which is killed with SIGKILL at a random moment; the
 * next process proves that every acknowledged add survived exactly once, in order, and that
 * nothing unacknowledged was left half-written.
 *
 * Every add carries a `clientUserMessageId` (its text), and the client behaves as the docs tell
 * it to: after a restart it first retries every add that got no answer, with the same id. A
 * retry of an add that was committed unseen returns the stored row; one that was not, queues
 * it. So after the last round every add ever sent is in the queue exactly once.
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
  /** Acknowledged at their first attempt: these keep their send order in the queue. */
  readonly acknowledgedFirstTime = new Set<string>();
  /** The queued turn id each acknowledged add was answered with (a retry must name the same row). */
  readonly answeredRow = new Map<string, string>();
  /** Retries sent after restarts (adds that had no answer when their server died). */
  retries = 0;
  /** Retries answered with a row the unanswered attempt had stored. */
  retriesReplayed = 0;
  /** Adds found committed although the client never saw their answer (allowed, counted). */
  committedUnacknowledged = 0;
  rounds = 0;
  /** Rounds in which the kill left at least one add unanswered: the crash hit mid-stream. */
  roundsWithAddsInFlight = 0;
}

/** An add whose request id and clientUserMessageId are its text; a retry sends the same frame. */
const addFrame = (threadId: string, text: string): string =>
  `${JSON.stringify({ id: text, method: "thread/queue/add", params: { threadId, turnStartParams: { threadId, input: [{ type: "text", text }] }, clientUserMessageId: text } })}\n`;

interface AddAnswer {
  readonly text: string;
  readonly queuedTurnId: string;
}

/** A successful add's answer: its request id (the text) and the row it names. */
function addAnswer(answer: Record<string, unknown>): AddAnswer | undefined {
  const result = answer.result as { queuedTurn?: { id?: unknown } } | undefined;
  const queuedTurnId = result?.queuedTurn?.id;
  return typeof answer.id === "string" && typeof queuedTurnId === "string" ? { text: answer.id, queuedTurnId } : undefined;
}

/** Lines a killed process left behind: complete answers only (a torn line is not an answer). */
function answers(lines: readonly string[]): AddAnswer[] {
  return lines.flatMap((line) => {
    try {
      return addAnswer(JSON.parse(line) as Record<string, unknown>) ?? [];
    } catch {
      return [];
    }
  });
}

function acknowledge(ledger: CrashLedger, { text, queuedTurnId }: AddAnswer, firstTime: boolean): void {
  ledger.acknowledged.add(text);
  if (firstTime) ledger.acknowledgedFirstTime.add(text);
  ledger.answeredRow.set(text, queuedTurnId);
}

/**
 * The client's side of the retry rule: every add sent so far without an answer is sent again
 * with the same id, and answered (the server is not killed meanwhile).
 */
async function retryUnanswered(peer: RawPeer, threadId: string, ledger: CrashLedger): Promise<void> {
  const unanswered = ledger.sent.filter((text) => !ledger.acknowledged.has(text));
  if (unanswered.length === 0) return;
  ledger.retries += unanswered.length;
  const stored = new Set((await listAll(peer, threadId)).map((row) => row.text));
  ledger.retriesReplayed += unanswered.filter((text) => stored.has(text)).length;
  peer.write(unanswered.map((text) => addFrame(threadId, text)).join(""));
  for (let i = 0; i < unanswered.length; i += 1) {
    const answer = await peer.next();
    const added = addAnswer(answer);
    if (added === undefined) throw new Error(`retried add failed: ${JSON.stringify(answer)}`);
    acknowledge(ledger, added, false);
  }
}

/** All visible rows of a thread through the server, page by page: text, row id and echoed client id. */
async function listAll(peer: RawPeer, threadId: string): Promise<Array<{ text: string; id: string; clientUserMessageId: unknown }>> {
  const rows: Array<{ text: string; id: string; clientUserMessageId: unknown }> = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const id = `list-${(page += 1)}`;
    peer.write(`${JSON.stringify({ id, method: "thread/queue/list", params: { threadId, cursor, limit: 100 } })}\n`);
    const answer = await peer.next();
    const result = answer.result as
      | { data: Array<{ id: string; clientUserMessageId?: unknown; turnStartParams: { input: Array<{ text: string }> } }>; nextCursor: string | null }
      | undefined;
    if (answer.id !== id || result === undefined) throw new Error(`list failed: ${JSON.stringify(answer)}`);
    rows.push(...result.data.map((row) => ({ text: row.turnStartParams.input[0]?.text ?? "", id: row.id, clientUserMessageId: row.clientUserMessageId })));
    cursor = result.nextCursor;
  } while (cursor !== null);
  return rows;
}

/**
 * What must hold after any crash: through the server, every row is a sent add, none twice,
 * carrying its id; the adds acknowledged at their first attempt in send order; every
 * acknowledged add is there, as the row its answer named; in the file, every row is pending and
 * its stored params are exactly what was sent. Returns the problems found.
 */
export async function verifyQueue(peer: RawPeer, dbPath: string, threadId: string, ledger: CrashLedger): Promise<string[]> {
  const problems: string[] = [];
  const rows = await listAll(peer, threadId);
  const listed = rows.map((row) => row.text);
  const position = new Map(ledger.sent.map((text, index) => [text, index]));
  let last = -1;
  const seen = new Set<string>();
  for (const row of rows) {
    const { text } = row;
    const at = position.get(text);
    if (at === undefined) problems.push(`a row nobody sent: ${JSON.stringify(text)}`);
    else if (ledger.acknowledgedFirstTime.has(text)) {
      if (at <= last) problems.push(`out of order or duplicated: ${text}`);
      else last = at;
    }
    if (seen.has(text)) problems.push(`present twice: ${text}`);
    seen.add(text);
    if (row.clientUserMessageId !== text) problems.push(`row ${text} carries clientUserMessageId ${JSON.stringify(row.clientUserMessageId)}`);
    const answered = ledger.answeredRow.get(text);
    if (answered !== undefined && answered !== row.id) problems.push(`add ${text} was answered with row ${answered}, the queue holds ${row.id}`);
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
    await retryUnanswered(peer, threadId, ledger);
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
      const added = addAnswer(answer);
      if (added === undefined) throw new Error(`add failed: ${JSON.stringify(answer)}`);
      acknowledge(ledger, added, true);
      acks += 1;
    }
    if (plan.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    peer.kill("SIGKILL");
    await peer.exited;
    // 'exit' can come before the last bytes of stdout are read; missing some only weakens the check.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Answers already in the pipe reached the client: they count as acknowledged too.
    for (const added of answers(peer.drainLines())) {
      acknowledge(ledger, added, true);
      acks += 1;
    }
    if (acks < plan.adds) ledger.roundsWithAddsInFlight += 1;
    return problems;
  } finally {
    peer.kill("SIGKILL");
  }
}

/**
 * The check after the last round, with a server that is then stopped cleanly: what the rounds
 * left, then — once the client has retried its unanswered adds — every add ever sent is in the
 * queue exactly once (none lost, none duplicated).
 */
export async function verifyAfterCrashes(dbPath: string, threadId: string, ledger: CrashLedger): Promise<string[]> {
  const peer = new RawStdioPeer(stdioServerArgs(dbPath, ["--log-level", "error"]));
  try {
    await initializeRaw(peer);
    const problems = await verifyQueue(peer, dbPath, threadId, ledger);
    await retryUnanswered(peer, threadId, ledger);
    problems.push(...(await verifyQueue(peer, dbPath, threadId, ledger)));
    const listed = (await listAll(peer, threadId)).map((row) => row.text);
    const lost = ledger.sent.filter((text) => !listed.includes(text));
    const duplicated = listed.length - new Set(listed).size;
    if (lost.length > 0 || duplicated > 0) problems.push(`${lost.length} adds lost, ${duplicated} duplicated`);
    return problems;
  } finally {
    await peer.end();
  }
}
