/**
 * Random sequences of add / delete / reorder / direct turn start / turn end / a turn that cannot
 * start / restart, run against ThreadQueues on the in-memory store and against a reference model
 * of SPEC §3 written as plainly as possible. After every step: the stored queue, `list` and the
 * last `thread/queue/changed` equal the model's queue; turns started in the model's order; one
 * `changed` per visible change, each client change's after its response; a queued turn starts
 * only after the `changed` that no longer shows it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryDatabase } from "../store/memory/memory-queue-store.js";
import { QueueInstance, type Seen } from "./queue-test-harness.js";

const T = "thread-p";

type Step =
  | { kind: "add"; slowResponse: boolean }
  | { kind: "delete"; pick: number }
  | { kind: "reorder"; seed: number; drop: boolean }
  | { kind: "direct" }
  | { kind: "end" }
  | { kind: "refuseNext" }
  | { kind: "restart" };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("add" as const), slowResponse: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("reorder" as const), seed: fc.nat(), drop: fc.boolean() }), weight: 2 },
  { arbitrary: fc.constant({ kind: "direct" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "end" as const }), weight: 4 },
  { arbitrary: fc.constant({ kind: "refuseNext" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "restart" as const }), weight: 1 },
);

/** SPEC §3 for one thread on one live instance, step by step. */
class ReferenceQueue {
  rows: Array<{ id: string; text: string; state: "pending" | "failed" }> = [];
  /** Turns started and not ended, oldest first. */
  running: string[] = [];
  /** Texts of every turn started, in order. */
  readonly started: string[] = [];
  /** Visible changes since the current instance came up. */
  changes = 0;
  refuseNext = false;

  /** The drain: only an idle thread, only a pending head; a failed head blocks (FIFO). */
  drain(): void {
    const head = this.rows[0];
    if (this.running.length > 0 || head?.state !== "pending") return;
    this.changes += 1; // the claim hides the row
    if (this.refuseNext) {
      this.refuseNext = false;
      head.state = "failed";
      this.changes += 1; // …and it comes back failed, at its place
      return;
    }
    this.rows.shift();
    this.running.push(head.text);
    this.started.push(head.text);
  }
}

/** A deterministic shuffle key, so a failing case replays from its seed. */
function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 2654435761);
  return h >>> 0;
}

function checkOrder(seen: readonly Seen[], idOfText: ReadonlyMap<string, string>): void {
  seen.forEach((each, index) => {
    if (each.kind === "started" && idOfText.has(each.text)) {
      // SPEC §3: the add's changed shows the row, the claim's no longer does, then the turn starts.
      const id = idOfText.get(each.text) as string;
      const before = seen.slice(0, index).flatMap((earlier) => (earlier.kind === "changed" ? [earlier.ids.includes(id)] : []));
      expect(before.includes(true) && before.at(-1) === false, `turn ${each.text} started before the changed that shows it claimed`).toBe(true);
    }
    if (each.kind === "response" && each.label.startsWith("add ")) {
      const id = idOfText.get(each.label.slice(4));
      const early = seen.slice(0, index).some((before) => before.kind === "changed" && id !== undefined && before.ids.includes(id));
      expect(early, `${each.label}: changed before its response`).toBe(false);
    }
  });
}

describe("ThreadQueues against a reference model of SPEC §3", () => {
  it("agrees on the queue, the turns, and the notifications under random steps", async () => {
    let generation = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        const database = new MemoryDatabase();
        const owners: string[] = [`owner-${++generation}`];
        let node = new QueueInstance({ database, ownerId: owners[0] });
        let refuse = false;
        const install = (instance: QueueInstance) => {
          // Only queued dispatches (the harness names their turns `queued-turn-N`) are refused.
          instance.runner.refuse = (request) => {
            if (!refuse || !request.turnId.startsWith("queued-turn-")) return undefined;
            refuse = false;
            return "refused on purpose";
          };
        };
        install(node);
        const model = new ReferenceQueue();
        const idOfText = new Map<string, string>();
        const startedAll: string[] = [];
        await node.startThread(T);
        let texts = 0;
        let resumed = false;

        for (const current of steps) {
          switch (current.kind) {
            case "add": {
              const text = `turn ${++texts}`;
              const reply = node.reply(`add ${text}`);
              const row = await node.queues.add(T, { threadId: T, input: [{ type: "text", text, text_elements: [] }] }, reply);
              // A slow client connection: the claim and the turn start race the response.
              if (current.slowResponse) for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
              await reply.respond();
              idOfText.set(text, row.id);
              model.rows.push({ id: row.id, text, state: "pending" });
              model.changes += 1;
              break;
            }
            case "delete": {
              const target = model.rows[current.pick % (model.rows.length + 1)];
              const reply = node.reply(`delete ${target?.text ?? "nothing"}`);
              const deleted = await node.queues.delete(T, target?.id ?? "01a21800-0000-7000-8000-000000000000", reply);
              await reply.respond();
              expect(deleted).toBe(target !== undefined);
              if (target !== undefined) {
                model.rows = model.rows.filter((row) => row !== target);
                model.changes += 1;
              }
              break;
            }
            case "reorder": {
              const shuffled = [...model.rows].sort((a, b) => hash(a.id, current.seed) - hash(b.id, current.seed));
              const ids = shuffled.map((row) => row.id);
              if (current.drop && ids.length > 0) ids.pop();
              const reply = node.reply("reorder");
              const outcome = await node.queues.reorder(T, ids, reply).then(
                (rows) => rows.map((row) => row.id),
                (error: unknown) => error,
              );
              await reply.respond();
              if (current.drop && shuffled.length > 0) {
                expect(outcome).toMatchObject({ code: "reorder_failed" });
              } else {
                expect(outcome).toEqual(shuffled.map((row) => row.id));
                model.rows = shuffled;
                model.changes += 1;
              }
              break;
            }
            case "direct": {
              const text = `direct ${++texts}`;
              await node.directTurn(T, text);
              model.running.push(text);
              model.started.push(text);
              break;
            }
            case "end":
              if (node.runner.end()) model.running.shift();
              break;
            case "refuseNext":
              refuse = true;
              model.refuseNext = true;
              break;
            case "restart": {
              await node.settle();
              startedAll.push(...node.subscriber.startedTexts(T));
              await node.crash();
              owners.push(`owner-${++generation}`);
              node = new QueueInstance({ database, ownerId: owners.at(-1), goneOwners: new Set(owners.slice(0, -1)) });
              install(node);
              // The process died with its turns; a turn not started yet had no row left to recover.
              model.running = [];
              model.changes = 0;
              await node.resume(T);
              resumed = true;
              break;
            }
          }
          model.drain();
          await node.settle();

          const expected = model.rows.map((row) => [row.id, row.state]);
          expect((await node.store.listVisibleQueuedTurns(T)).map((row) => [row.queuedTurnId, row.state])).toEqual(expected);
          expect((await node.queues.list(T, { limit: 100 })).data.map((row) => [row.id, row.status.type])).toEqual(expected);
          const changed = node.subscriber.changed(T);
          expect(changed.at(-1)?.ids ?? [], "the last changed shows the queue").toEqual(model.rows.map((row) => row.id));
          // One changed per visible change (and the resume's own snapshot).
          expect(changed).toHaveLength(model.changes + (resumed ? 1 : 0));
          expect([...startedAll, ...node.subscriber.startedTexts(T)]).toEqual(model.started);
          checkOrder(node.subscriber.seen, idOfText);
        }
        await node.crash();
      }),
      { numRuns: 150 },
    );
  });
});
