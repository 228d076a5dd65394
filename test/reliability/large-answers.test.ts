/**
 * Issue #19, item 3: answers must never approach V8's string limit. Rows with image URLs of
 * 15 MB used to pass every limit (URLs were not counted), and a `list` of 37 of them built a
 * 555 MB answer: lost on stdio, and on WebSocket every later answer of that connection was
 * dropped and SIGTERM exited 1. Now the params as a whole have a size limit, the queue a byte
 * budget, and a page ends early with a cursor — so every answer stays small and every row
 * stays readable.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { QueuedTurn } from "../../generated/types/v2/index.js";
import { createHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { persistThread } from "../support/reliability-db.js";
import { rpcFailure } from "../support/scenario-helpers.js";
import type { TestClient } from "../support/test-client.js";

const THREAD = "01a21800-0000-7000-8000-0000000019a3";
const MiB = 1024 * 1024;

function imageTurn(threadId: string, urlBytes: number, tag: string) {
  return { threadId, input: [{ type: "image" as const, url: `data:image/png;base64,${tag}${"A".repeat(urlBytes)}` }] };
}

/** Follows nextCursor to the end; returns every page's row ids and the largest answer seen. */
async function readAllPages(client: TestClient, threadId: string): Promise<{ pages: string[][]; largestAnswerBytes: number }> {
  const pages: string[][] = [];
  let largestAnswerBytes = 0;
  let cursor: string | null = null;
  do {
    const page: { data: QueuedTurn[]; nextCursor?: string | null } = await client.client.request("thread/queue/list", { threadId, cursor, limit: 100 });
    largestAnswerBytes = Math.max(largestAnswerBytes, Buffer.byteLength(JSON.stringify(page)));
    pages.push(page.data.map((row) => row.id));
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
  return { pages, largestAnswerBytes };
}

describe.each(TRANSPORTS)("large rows over %s", (kind) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it("refuses a 15 MB image URL, pages 37 rows of 1.5 MB one per answer, and keeps answering", async () => {
    harness = await createHarness(kind);
    const threadId = await persistThread(harness.dbPath, THREAD);
    const client = await harness.connect();
    await client.initialize();

    // The row: within the frame limit, and no text, so --max-input-chars never saw it.
    const refused = await rpcFailure(client.client.request("thread/queue/add", { threadId, turnStartParams: imageTurn(threadId, 15 * MiB, "x") }));
    expect(refused).toMatchObject({
      code: -32602,
      message: `turnStartParams exceeds the maximum size of ${8 * MiB} bytes (--max-turn-params-bytes).`,
      data: { input_error_code: "params_too_large", max_bytes: 8 * MiB },
    });

    const added: string[] = [];
    for (let i = 0; i < 37; i += 1) {
      const { queuedTurn } = await client.client.request("thread/queue/add", { threadId, turnStartParams: imageTurn(threadId, 1.5 * MiB, `row${i}-`) });
      added.push(queuedTurn.id);
    }
    const { pages, largestAnswerBytes } = await readAllPages(client, threadId);
    // Each row is larger than the 1 MiB page budget: one per page, in order, none lost.
    expect(pages).toEqual(added.map((id) => [id]));
    expect(largestAnswerBytes).toBeLessThan(2 * MiB);
    // The connection still answers.
    expect((await client.client.request("thread/queue/list", { threadId, limit: 1 })).data.map((row) => row.id)).toEqual([added[0]]);
  });

  it("refuses thread/start params over the limit too: a path is a large field like any other", async () => {
    harness = await createHarness(kind, ["--max-turn-params-bytes", String(64 * 1024)]);
    const client = await harness.connect();
    await client.initialize();
    const refused = await rpcFailure(client.client.request("thread/start", { cwd: `/${"d".repeat(70_000)}` }));
    expect(refused).toMatchObject({ code: -32602, message: `thread/start params exceeds the maximum size of ${64 * 1024} bytes (--max-turn-params-bytes).` });
    expect((await client.client.request("thread/start", { cwd: "/tmp" })).cwd).toBe("/tmp");
  });

  it("refuses an add that would pass --max-queue-bytes, naming the bytes, and accepts again once room is made", async () => {
    harness = await createHarness(kind, ["--max-queue-bytes", String(4 * MiB)]);
    const threadId = await persistThread(harness.dbPath, THREAD);
    const client = await harness.connect();
    await client.initialize();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await client.client.request("thread/queue/add", { threadId, turnStartParams: imageTurn(threadId, 1.2 * MiB, `q${i}-`) })).queuedTurn.id);
    }
    const full = await rpcFailure(client.client.request("thread/queue/add", { threadId, turnStartParams: imageTurn(threadId, 1.2 * MiB, "q3-") }));
    expect(full.code).toBe(-32600);
    expect(full.message).toMatch(new RegExp(`^queue is full: thread ${threadId} already holds \\d+ bytes of queued turns; this one needs \\d+ more, the limit is ${4 * MiB}$`));
    await client.client.request("thread/queue/delete", { threadId, queuedTurnId: ids[0] ?? "" });
    await client.client.request("thread/queue/add", { threadId, turnStartParams: imageTurn(threadId, 1.2 * MiB, "q4-") });
    // The whole queue — what thread/queue/changed and reorder carry — stays within the budget.
    const { pages } = await readAllPages(client, threadId);
    expect(pages.flat()).toHaveLength(3);
  });
});
