/**
 * Who gets in, and what hostile strings can do, through the real server process:
 * - WebSocket listens on loopback by default; a non-loopback address is refused without a
 *   token; with one, clients must present it (Authorization: Bearer); a browser Origin that
 *   is not explicitly allowed is refused (cross-site WebSocket hijacking), token or not;
 * - SQL, path and shell metacharacters in every string field are stored and returned verbatim
 *   and do nothing else (and the store's SQL text interpolates only constants);
 * - the database folder and file are created readable by the owner only, whatever the umask.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WS_TOKEN_ENV } from "../../server/config/server-flags.js";
import { createHarness, type Harness } from "../support/harness.js";
import { storedThread, storedQueueRows, tableHashes } from "../support/reliability-db.js";
import { useTestResources } from "../support/reliability-resources.js";
import { runServerToExit } from "../support/reliability-server.js";
import { RawWebSocketPeer, UpgradeRefused } from "../support/reliability-ws-peer.js";
import { queueTurn, rpcFailure, startThread } from "../support/scenario-helpers.js";
import { REPO_ROOT, stdioServerArgs, WebSocketServerProcess } from "../support/server-process.js";
import { StdioChildTransport } from "../../generated/client/index.js";
import { TestClient } from "../support/test-client.js";

const TOKEN = "s3cret-token_for.tests~1";

async function refusal(url: string, headers: Record<string, string>): Promise<number> {
  const outcome = await RawWebSocketPeer.connect(url, { headers }).then(
    (peer) => {
      peer.close();
      return 101;
    },
    (error: unknown) => (error instanceof UpgradeRefused ? error.status : -1),
  );
  return outcome;
}

/** Initializes over a raw peer and returns the answer: proof that the connection is usable. */
async function usable(url: string, headers: Record<string, string>): Promise<boolean> {
  const peer = await RawWebSocketPeer.connect(url, { headers });
  peer.send({ id: 1, method: "initialize", params: { clientInfo: { name: "sec", title: null, version: "1" } } });
  const answer = await peer.next();
  peer.close();
  return answer.id === 1 && "result" in answer;
}

describe("who may connect over WebSocket", () => {
  const resources = useTestResources();
  const servers: WebSocketServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const start = async (args: readonly string[], env: Record<string, string> = {}) => {
    // spawn copies the environment synchronously, before start() first awaits.
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const starting = WebSocketServerProcess.start(resources.dir.file("queue.sqlite"), ["--log-level", "warn", ...args]);
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    const server = await starting;
    servers.push(server);
    return server;
  };

  it("listens on loopback when no host is given", async () => {
    const server = await start(["--listen", "ws://:0"]);
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
    expect(await usable(server.url, {})).toBe(true);
  });

  it("refuses a non-loopback address without a token, and an empty or spaced token, before opening anything", async () => {
    for (const host of ["0.0.0.0", "[::]", "192.0.2.1", "example.com"]) {
      const outcome = await runServerToExit(["--db", resources.dir.file("never.sqlite"), "--listen", `ws://${host}:0`]);
      expect(outcome.code, host).toBe(2);
      expect(outcome.stderr).toContain(`refusing to listen on non-loopback host ${host.replace(/^\[(.*)\]$/, "$1")} without an auth token`);
    }
    for (const token of ["", "two words"]) {
      const outcome = await runServerToExit(["--db", resources.dir.file("never.sqlite"), "--listen", "ws://0.0.0.0:0", "--ws-token", token]);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).not.toContain(token || "\u0000");
    }
    expect(readdirSync(resources.dir.path)).toEqual([]);
  });

  it.each([
    ["--ws-token", (): [string[], Record<string, string>] => [["--ws-token", TOKEN], {}]],
    [WS_TOKEN_ENV, (): [string[], Record<string, string>] => [[], { [WS_TOKEN_ENV]: TOKEN }]],
  ])("on a non-loopback address with a token from %s, lets in only clients that present it", async (_source, config) => {
    const [args, env] = config();
    const server = await start(["--listen", "ws://0.0.0.0:0", ...args], env);
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    expect(await refusal(url, {})).toBe(401);
    expect(await refusal(url, { Authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await refusal(url, { Authorization: `Bearer ${TOKEN.slice(0, -1)}` })).toBe(401);
    expect(await refusal(url, { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` })).toBe(401);
    expect(await refusal(url, { Authorization: TOKEN })).toBe(401);
    expect(await usable(url, { Authorization: `Bearer ${TOKEN}` })).toBe(true);
  });

  it("refuses every browser Origin that is not explicitly allowed, with or without a token", async () => {
    const open = await start([]);
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1", "http://localhost:3000"]) {
      expect(await refusal(open.url, { Origin: origin }), origin).toBe(403);
    }
    const guarded = await start(["--ws-token", TOKEN, "--allowed-origin", "https://app.example"]);
    const bearer = { Authorization: `Bearer ${TOKEN}` };
    expect(await refusal(guarded.url, { ...bearer, Origin: "https://evil.example" })).toBe(403);
    expect(await refusal(guarded.url, { ...bearer, Origin: "https://app.example.evil.example" })).toBe(403);
    expect(await refusal(guarded.url, { Origin: "https://app.example" })).toBe(401);
    expect(await usable(guarded.url, { ...bearer, Origin: "https://app.example" })).toBe(true);
  });
});

/** Strings that would do damage if any layer pasted them into SQL, a path or a shell. */
const HOSTILE = [
  "'; DROP TABLE thread_queued_turns; --",
  `" OR 1=1; DELETE FROM threads WHERE "a"="a`,
  "Robert'); DELETE FROM threads;--",
  "@threadId :threadId ?1 $1 ?",
  "$(touch /tmp/thread-queue-pwned) `touch /tmp/thread-queue-pwned` ; rm -rf / | cat && echo",
  "../../../../etc/passwd",
  "%s%n%x %00 \\x00 \\u0000",
  "nul\u0000byte, tab\t, newline\n, cr\r, bell\u0007",
  "unicode: 你好 😀 \u202e gnirts",
  "json: {\"a\":[1,2]} \\\" \\\\",
];

describe("hostile strings in every field", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  it("are stored and returned verbatim and change nothing else", async () => {
    harness = await createHarness("stdio", ["--turn-delay-ms", "600000"]);
    const client = await harness.connect();
    await client.initialize();
    const [cwd, model, modelProvider] = [`/tmp/${HOSTILE[0]}`, HOSTILE[1] ?? "", HOSTILE[2] ?? ""];
    const { thread } = await client.client.request("thread/start", { cwd, model, modelProvider });
    const threadId = thread.id;
    expect(thread.cwd).toBe(cwd);
    // The thread row holds the strings as values.
    expect(storedThread(harness.dbPath, threadId)).toMatchObject({ cwd, model, model_provider: modelProvider });
    // Busy, so queued turns stay queued and can be read back.
    await client.client.request("turn/start", { threadId, input: [{ type: "text", text: "busy", text_elements: [] }] });
    const queued = [];
    for (const text of HOSTILE) {
      queued.push(
        await queueTurn(client, threadId, text, {
          cwd: `/nonexistent/${text}`,
          model: text,
          effort: null,
          personality: null,
          serviceTier: null,
          summary: null,
        }),
      );
    }
    const listed = await client.client.request("thread/queue/list", { threadId, limit: 100 });
    expect(listed.data.map((row) => row.turnStartParams)).toEqual(queued.map((row) => row.turnStartParams));
    expect(listed.data.map((row) => row.turnStartParams.input)).toEqual(HOSTILE.map((text) => [{ type: "text", text, text_elements: [] }]));
    expect(listed.data.map((row) => row.turnStartParams.cwd)).toEqual(HOSTILE.map((text) => `/nonexistent/${text}`));
    const stored = storedQueueRows(harness.dbPath, threadId);
    expect(stored.map((row) => JSON.parse(row.turn_start_params_jsonb))).toEqual(queued.map((row) => row.turnStartParams));

    // Hostile ids and cursors find nothing and break nothing.
    const before = tableHashes(harness.dbPath);
    for (const text of HOSTILE) {
      expect(await client.client.request("thread/queue/delete", { threadId, queuedTurnId: text })).toEqual({ deleted: false });
      expect(await rpcFailure(client.client.request("thread/queue/reorder", { threadId, queuedTurnIds: [text] }))).toMatchObject({ code: -32600 });
      expect(await rpcFailure(client.client.request("thread/queue/list", { threadId, cursor: text }))).toEqual({
        code: -32600,
        message: `invalid cursor: ${text}`,
        data: undefined,
      });
      expect(await rpcFailure(client.client.request("thread/resume", { threadId: text }))).toMatchObject({
        code: -32600,
        message: `invalid thread id: ${JSON.stringify(text)} is not a UUID`,
      });
    }
    expect(tableHashes(harness.dbPath)).toEqual(before);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(["schema_migrations", "thread_queued_turns", "threads"]));
    expect(statSync("/tmp/thread-queue-pwned", { throwIfNoEntry: false })).toBeUndefined();

    // A restarted server reads them back the same.
    await harness.restart();
    const again = await harness.connect();
    await again.initialize();
    const resumed = await again.client.request("thread/resume", { threadId });
    expect([resumed.cwd, resumed.model, resumed.modelProvider]).toEqual([cwd, model, modelProvider]);
  });

  it("cannot reach SQL text: the SQLite store interpolates only its own constants", () => {
    const opsDir = join(REPO_ROOT, "server/store/sqlite/ops");
    const sqlTexts = readdirSync(opsDir)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => [...readFileSync(join(opsDir, file), "utf8").matchAll(/\.(?:prepare|exec)(?:<[^()]*?>)?\(\s*`([^`]*)`/g)].map((m) => [file, m[1] ?? ""] as const));
    expect(sqlTexts.length).toBeGreaterThanOrEqual(10);
    const interpolated = sqlTexts.flatMap(([file, sql]) => [...sql.matchAll(/\$\{([^}]*)\}/g)].map((match) => `${file}: ${match[1]}`));
    expect(interpolated.length).toBeGreaterThan(0);
    for (const site of interpolated) expect(site).toMatch(/: [A-Z][A-Z0-9_]*$/);
  });
});

describe("the database's folder and file", () => {
  const resources = useTestResources();
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it("are created owner-only (0700, 0600, WAL files too) even under umask 000", async () => {
    const dbPath = resources.dir.file("state/nested/queue.sqlite");
    // sh sets the umask and execs the server, so it is the server that creates everything.
    const transport = new StdioChildTransport({ command: "sh", args: ["-c", 'umask 000; exec "$@"', "sh", process.execPath, ...stdioServerArgs(dbPath)], stderr: "inherit" });
    const client = new TestClient(transport);
    clients.push(client);
    await client.client.ready;
    await client.initialize();
    await startThread(client);
    const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
    expect(mode(resources.dir.file("state"))).toBe("700");
    expect(mode(resources.dir.file("state/nested"))).toBe("700");
    for (const suffix of ["", "-wal", "-shm"]) expect(mode(`${dbPath}${suffix}`), suffix || "database").toBe("600");
  });
});
