import type { QueuedTurn, TurnStartParams } from "../../generated/types/v2/index.js";
import type { TestClient } from "./test-client.js";

export function textTurn(threadId: string, text: string, extra: Partial<TurnStartParams> = {}): TurnStartParams {
  return { threadId, input: [{ type: "text", text, text_elements: [] }], ...extra };
}

export async function startThread(client: TestClient, ephemeral = false): Promise<string> {
  const { thread } = await client.client.request("thread/start", { ephemeral });
  await client.next("thread/started", (p) => p.thread.id === thread.id);
  return thread.id;
}

export async function queueTurn(client: TestClient, threadId: string, text: string, extra: Partial<TurnStartParams> = {}): Promise<QueuedTurn> {
  const { queuedTurn } = await client.client.request("thread/queue/add", { threadId, turnStartParams: textTurn(threadId, text, extra) });
  return queuedTurn;
}

export async function listIds(client: TestClient, threadId: string): Promise<string[]> {
  const { data } = await client.client.request("thread/queue/list", { threadId, limit: 100 });
  return data.map((row) => row.id);
}

/** The text an echo turn answered with. */
export function agentText(turn: { items: ReadonlyArray<{ type: string; text?: string }> }): string | undefined {
  return turn.items.find((item) => item.type === "agentMessage")?.text;
}

/** Asserts a promise rejects with a JSON-RPC error of `code` whose message matches. */
export async function rpcFailure(promise: Promise<unknown>): Promise<{ code: number; message: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; data?: unknown };
    if (typeof e.code === "number" && typeof e.message === "string") return { code: e.code, message: e.message, data: e.data };
    throw error;
  }
  throw new Error("expected the request to fail, but it succeeded");
}
