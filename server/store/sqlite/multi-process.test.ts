import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations } from "./migrate.js";
import { SqliteQueueStore } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

const STORE_PROCESS = fileURLToPath(new URL("./store-process.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A store-process.ts child; `lines` yields what it prints, one line at a time. */
function startStoreProcess(...args: string[]) {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    process.execPath,
    ["--import", "tsx", STORE_PROCESS, ...args],
    { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve, reject) =>
    child.on("close", (code, signal) =>
      code === 0 || signal === "SIGKILL" ? resolve(signal) : reject(new Error(`store process exited ${code}: ${stderr}`)),
    ),
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const line = await Promise.race([lines.next(), exited.then(() => ({ done: true as const, value: undefined }))]);
    if (line.done) throw new Error(`store process ended without output: ${stderr}`);
    return line.value;
  };
  return { child, nextLine, exited };
}

describe("several connections and processes on one database file", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function openStores(count: number, options: { busyTimeoutMs?: number } = {}) {
    const db = tempDatabase();
    cleanups.push(db.remove);
    const stores: SqliteQueueStore[] = [];
    for (let i = 0; i < count; i++) {
      const store = await SqliteQueueStore.open({ path: db.path, ...options });
      cleanups.push(() => store.close());
      stores.push(store);
    }
    return { path: db.path, stores };
  }

  it("gives each row to exactly one of two connections racing claims", async () => {
    const { stores } = await openStores(2);
    const [a, b] = stores as [SqliteQueueStore, SqliteQueueStore];
    await a.createThread({ id: "t" });
    const rows = await Promise.all(Array.from({ length: 10 }, () => a.appendQueuedTurn("t", "{}")));
    const winners: string[] = [];
    for (let round = 0; round < rows.length; round++) {
      const claims = await Promise.all([a.claimHeadQueuedTurn("t"), b.claimHeadQueuedTurn("t")]);
      const won = claims.filter((claim) => claim !== null);
      expect(won).toHaveLength(1);
      const row = won[0];
      if (!row) throw new Error("unreachable");
      winners.push(row.queuedTurnId);
      // The loser's connection sees the winner's commit: the row stays claimed until its turn starts.
      expect(await b.listVisibleQueuedTurns("t")).not.toContainEqual(expect.objectContaining({ queuedTurnId: row.queuedTurnId }));
      await a.setDispatchTurnId(row.queuedTurnId, `turn-${round}`);
      expect(await b.removeDispatchingQueuedTurn("t", `turn-${round}`)).toBe(true);
    }
    expect(winners).toEqual(rows.map((row) => row.queuedTurnId));
  });

  it("refuses a second dispatching row even from a writer that bypasses the claim statement", async () => {
    const { path, stores } = await openStores(1);
    const [store] = stores as [SqliteQueueStore];
    await store.createThread({ id: "t" });
    await store.appendQueuedTurn("t", "{}");
    await store.appendQueuedTurn("t", "{}");
    await store.claimHeadQueuedTurn("t");
    const raw = new Database(path);
    cleanups.push(() => void raw.close());
    expect(() => raw.prepare("UPDATE thread_queued_turns SET state = 'dispatching' WHERE state = 'pending'").run()).toThrow(
      /UNIQUE constraint failed/,
    );
  });

  it("rejects the waiting batch, not the process, when another connection holds the write lock too long", async () => {
    const { path, stores } = await openStores(1, { busyTimeoutMs: 20 });
    const [store] = stores as [SqliteQueueStore];
    await store.createThread({ id: "t" });
    const holder = new Database(path);
    cleanups.push(() => void holder.close());
    holder.exec("BEGIN IMMEDIATE");
    await expect(store.appendQueuedTurn("t", "{}")).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    holder.exec("COMMIT");
    expect((await store.appendQueuedTurn("t", "{}")).queueOrder).toBe(0);
    expect(await store.listVisibleQueuedTurns("t")).toHaveLength(1);
  });

  it("drains every row exactly once across three processes claiming on one file", async () => {
    const { path, stores } = await openStores(1);
    const [store] = stores as [SqliteQueueStore];
    const threads = ["t1", "t2", "t3"];
    const appended: string[] = [];
    for (const thread of threads) {
      await store.createThread({ id: thread });
      for (let i = 0; i < 50; i++) appended.push((await store.appendQueuedTurn(thread, "{}")).queuedTurnId);
    }
    const processes = [1, 2, 3].map(() => startStoreProcess("drain", path, threads.join(",")));
    for (const child of processes) expect(await child.nextLine()).toBe("ready");
    for (const { child } of processes) child.stdin.end("go\n");
    const claimedByProcess = await Promise.all(
      processes.map(async (child) => JSON.parse(await child.nextLine()) as string[]),
    );
    await Promise.all(processes.map((child) => child.exited));
    const claimed = claimedByProcess.flat();
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...appended].sort());
    for (const thread of threads) expect(await store.listVisibleQueuedTurns(thread)).toEqual([]);
  });

  it("migrates a fresh file once when several processes open it at the same time", async () => {
    const db = tempDatabase();
    cleanups.push(db.remove);
    const newest = loadMigrations().length;
    const versions = await Promise.all(
      [1, 2, 3].map(async () => JSON.parse(await startStoreProcess("open", db.path).nextLine()) as unknown),
    );
    expect(versions).toEqual([newest, newest, newest]);
    const raw = new Database(db.path, { readonly: true });
    cleanups.push(() => void raw.close());
    expect(raw.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual(
      loadMigrations().map((migration) => migration.version),
    );
  });

  it("keeps every acknowledged write of a process killed without closing, and recovers its claim as failed", async () => {
    const { path, stores } = await openStores(1);
    const [store] = stores as [SqliteQueueStore];
    await store.createThread({ id: "t" });
    const crashing = startStoreProcess("crash", path, "t");
    const acknowledged = JSON.parse(await crashing.nextLine()) as { appended: string[]; claimed: string };
    expect(await crashing.exited).toBe("SIGKILL");

    const visible = await store.listVisibleQueuedTurns("t");
    expect(visible.map((row) => row.queuedTurnId)).toEqual(acknowledged.appended.slice(1));
    expect(acknowledged.claimed).toBe(acknowledged.appended[0]);
    expect(await store.recoverDispatchingQueuedTurns("t", '{"message":"interrupted"}')).toBe(1);
    const recovered = await store.listVisibleQueuedTurns("t");
    expect(recovered.map((row) => [row.queuedTurnId, row.state])).toEqual(
      acknowledged.appended.map((id, index) => [id, index === 0 ? "failed" : "pending"]),
    );
    expect(await store.claimHeadQueuedTurn("t")).toBeNull();
  });
});
