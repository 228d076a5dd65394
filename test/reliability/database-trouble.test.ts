/**
 * A database file that is corrupt, read-only, locked by another writer or on a full disk,
 * through the real server process: either a clear error and a non-zero exit at start, or an
 * error answer for the request at run time — never a hang (every run has a deadline), never
 * a silent loss (what was acknowledged is still there, what failed left nothing).
 *
 * A full disk is simulated with RLIMIT_FSIZE (prlimit): writes past the limit fail with EFBIG,
 * which SQLite reports as a disk I/O error, exactly where ENOSPC would fail them.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteQueueStore } from "../../server/store/index.js";
import { storedQueueRows } from "../support/reliability-db.js";
import { useTestResources } from "../support/reliability-resources.js";
import { runServerToExit, type RunToExitOptions } from "../support/reliability-server.js";
import { SERVER_BIN } from "../support/server-process.js";
import { listIds, queueTurn, rpcFailure } from "../support/scenario-helpers.js";

const THREAD = "01a21800-0000-7000-8000-0000000000e5";
const HAS_PRLIMIT = spawnSync("prlimit", ["--version"]).status === 0;
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const DROP_FILE_MODE_OVERRIDES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"];

/**
 * How to run the server so that file modes bind it. An ordinary user is bound already. Root is
 * not, so as root the server runs without the capabilities that let it ignore modes (setpriv
 * drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): it still reads the checkout it owns, also in
 * a 0700 folder. Failing that, as `nobody` — who can read the checkout only where every folder
 * above it is open to others. Each way is tried by starting the server (`--version` loads every
 * module); a reason is returned when none works.
 */
type Confinement = { kind: "self" | "no-capabilities" | "nobody"; options: RunToExitOptions } | { kind: "none"; reason: string };
let confinement: Confinement | undefined;
function boundByFileModes(): Confinement {
  if (!IS_ROOT) return { kind: "self", options: {} };
  if (confinement !== undefined) return confinement;
  const starts = (prefix: readonly string[], ids: { uid?: number; gid?: number } = {}) => {
    const [command = process.execPath, ...args] = [...prefix, process.execPath, SERVER_BIN, "--version"];
    return spawnSync(command, args, { ...ids, stdio: "ignore", timeout: 30_000 }).status === 0;
  };
  if (starts(DROP_FILE_MODE_OVERRIDES)) confinement = { kind: "no-capabilities", options: { prefix: DROP_FILE_MODE_OVERRIDES } };
  else if (starts([], { uid: NOBODY, gid: NOBODY })) confinement = { kind: "nobody", options: { uid: NOBODY, gid: NOBODY } };
  else {
    confinement = {
      kind: "none",
      reason:
        "needs a way to run the server bound by file modes: as root that is setpriv (util-linux) dropping CAP_DAC_OVERRIDE, or the user nobody able to read this checkout (it is not: a folder above it is private)",
    };
  }
  return confinement;
}

/** A migrated database holding one persisted thread with `rows` pending queued turns. */
async function databaseWithRows(path: string, rows: number): Promise<void> {
  const store = await SqliteQueueStore.open({ path });
  await store.createThread({ id: THREAD });
  for (let i = 0; i < rows; i += 1) {
    await store.appendQueuedTurn(THREAD, JSON.stringify({ threadId: THREAD, input: [{ type: "text", text: `${"row ".repeat(50)}${i}` }] }));
  }
  await store.close();
}

const INITIALIZE = `${JSON.stringify({ id: 0, method: "initialize", params: { clientInfo: { name: "t", title: null, version: "1" }, capabilities: { experimentalApi: true } } })}\n{"method":"initialized"}\n`;
const line = (message: unknown): string => `${JSON.stringify(message)}\n`;

describe("database trouble at start-up: a clear error and exit code 1", () => {
  const resources = useTestResources();

  it("refuses a file that is not a database, naming it, and leaves its bytes alone", async () => {
    const path = resources.dir.file("garbage.sqlite");
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251));
    writeFileSync(path, garbage);
    const outcome = await runServerToExit(["--db", path], { input: "" });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`cannot open the database ${path}`);
    expect(outcome.stderr).toContain("file is not a database");
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it("refuses a truncated database file", async () => {
    const path = resources.dir.file("truncated.sqlite");
    await databaseWithRows(path, 400);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const outcome = await runServerToExit(["--db", path], { input: "" });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("database disk image is malformed");
  });

  it("refuses a database file it may not write, and a folder it may not create", async (context) => {
    const confined = boundByFileModes();
    if (confined.kind === "none") return context.skip(confined.reason);
    const path = resources.dir.file("read-only.sqlite");
    await databaseWithRows(path, 1);
    const before = readFileSync(path);
    // nobody is refused root's 0644 file and 0755 folder; the owner needs 0444 and 0555.
    const byOwner = confined.kind !== "nobody";
    chmodSync(resources.dir.path, 0o755);
    chmodSync(path, byOwner ? 0o444 : 0o644);
    const readOnly = await runServerToExit(["--db", path], { input: "", ...confined.options });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain(`cannot open the database ${path}`);
    expect(readOnly.stderr).toContain("EACCES");
    expect(readFileSync(path).equals(before)).toBe(true);

    if (byOwner) chmodSync(resources.dir.path, 0o555);
    const noFolder = await runServerToExit(["--db", resources.dir.file("missing/queue.sqlite")], { input: "", ...confined.options });
    chmodSync(resources.dir.path, 0o755);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain("EACCES");
  });

  it("gives up on a file another writer holds locked once the 5 s busy timeout has passed", async () => {
    const path = resources.dir.file("locked.sqlite");
    const other = new Database(path);
    try {
      // A rollback-journal database mid-transaction: not even its journal mode can change.
      other.exec("CREATE TABLE other_app (x); BEGIN EXCLUSIVE; INSERT INTO other_app VALUES (1)");
      const outcome = await runServerToExit(["--db", path], { input: "", timeoutMs: 30_000 });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain("database is locked");
    } finally {
      other.close();
    }
  });

  it.skipIf(!HAS_PRLIMIT)("refuses to start when the disk has no room for a new database (needs prlimit)", async () => {
    const path = resources.dir.file("full/queue.sqlite");
    const outcome = await runServerToExit(["--db", path], { input: "", prefix: ["prlimit", "--fsize=0:unlimited"] });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`cannot open the database ${path}`);
    expect(outcome.stderr).toContain("disk I/O error");
  });
});

describe("database trouble at run time: an error answer, and the server carries on", () => {
  const resources = useTestResources();

  it("answers requests that touch damaged pages with -32603 and keeps answering the rest", async () => {
    const path = resources.dir.file("damaged.sqlite");
    await databaseWithRows(path, 400);
    // Overwrite three pages in the middle of the table (the schema on page 1 stays intact).
    const bytes = readFileSync(path);
    bytes.fill(0xab, 4096 * 4, 4096 * 7);
    writeFileSync(path, bytes);
    const list = { id: 1, method: "thread/queue/list", params: { threadId: THREAD, limit: 100 } };
    const add = { id: 2, method: "thread/queue/add", params: { threadId: THREAD, turnStartParams: { threadId: THREAD, input: [] } } };
    const other = { id: 3, method: "thread/queue/list", params: { threadId: "01a21800-0000-7000-8000-00000000ffff" } };
    const outcome = await runServerToExit(["--db", path], { input: INITIALIZE + line(list) + line(add) + line(other) });
    expect(outcome.code).toBe(0);
    const byId = new Map(outcome.answers.map((answer) => [answer.id, answer]));
    expect(byId.get(0)).toHaveProperty("result");
    expect(byId.get(1)).toMatchObject({ error: { code: -32603 } });
    expect(byId.get(2)).toEqual({ id: 2, error: { code: -32603, message: "failed to add queued turn: database disk image is malformed" } });
    expect(outcome.answers).toHaveLength(4);
  });

  it("answers an add with -32603 while another writer holds the lock past the busy timeout, then works again", async () => {
    const path = resources.dir.file("contended.sqlite");
    await databaseWithRows(path, 0);
    const { client } = await resources.stdioClient(path);
    const first = await queueTurn(client, THREAD, "before the lock");
    const other = new Database(path);
    try {
      other.exec("BEGIN IMMEDIATE");
      const refused = await rpcFailure(queueTurn(client, THREAD, "while locked"));
      expect(refused).toMatchObject({ code: -32603, message: "failed to add queued turn: database is locked" });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    const after = await queueTurn(client, THREAD, "after the lock");
    expect(await listIds(client, THREAD)).toEqual([first.id, after.id]);
  });

  it.skipIf(!HAS_PRLIMIT)("answers adds on a full disk with -32603, keeps every acknowledged one, and recovers when room returns (needs prlimit)", async () => {
    const path = resources.dir.file("full.sqlite");
    await databaseWithRows(path, 0);
    const { client, pid } = await resources.stdioClient(path);
    const acknowledged = [(await queueTurn(client, THREAD, "small")).id];
    const largest = Math.max(...["", "-wal", "-shm"].map((suffix) => statSync(`${path}${suffix}`, { throwIfNoEntry: false })?.size ?? 0));
    const room = largest + 300_000;
    expect(spawnSync("prlimit", ["--pid", String(pid), `--fsize=${room}:unlimited`]).status).toBe(0);

    let failure: unknown;
    for (let i = 0; i < 20 && failure === undefined; i += 1) {
      await queueTurn(client, THREAD, `${"x".repeat(100_000)} ${i}`).then(
        (row) => acknowledged.push(row.id),
        (error: unknown) => (failure = error),
      );
    }
    expect(failure).toMatchObject({ code: -32603, message: "failed to add queued turn: disk I/O error" });
    // Reads still work, and show exactly the acknowledged rows.
    expect(await listIds(client, THREAD)).toEqual(acknowledged);

    expect(spawnSync("prlimit", ["--pid", String(pid), "--fsize=unlimited:unlimited"]).status).toBe(0);
    acknowledged.push((await queueTurn(client, THREAD, "room again")).id);
    expect(await listIds(client, THREAD)).toEqual(acknowledged);
    expect(storedQueueRows(path, THREAD).map((row) => row.queued_turn_id)).toEqual(acknowledged);
  });
});
