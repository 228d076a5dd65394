/**
 * SPEC §1 on the wire, with a raw peer that sends exactly the bytes a test wants: the Codex
 * dialect, the handshake, experimental gating and the standard error codes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBackend, describeEachBackend, type TestBackend } from "../support/backends.js";
import { RawStdioPeer } from "../support/raw-stdio-peer.js";
import { stdioServerArgs } from "../support/server-process.js";

const INIT = { clientInfo: { name: "raw", version: "1" }, capabilities: { experimentalApi: true } };

describeEachBackend("JSON-RPC dialect and handshake over stdio", (kind) => {
  let backend: TestBackend;
  let peer: RawStdioPeer;
  beforeEach(async () => {
    backend = await createBackend(kind);
    peer = new RawStdioPeer(stdioServerArgs(backend.db, backend.serverArgs));
  });
  afterEach(async () => {
    await peer.end();
    await backend.dispose();
  });

  it("answers requests before initialize with Not initialized, and a second initialize with Already initialized", async () => {
    peer.send({ id: 1, method: "thread/start", params: {} });
    expect(await peer.next()).toEqual({ id: 1, error: { code: -32600, message: "Not initialized" } });
    peer.send({ id: 2, method: "initialize", params: INIT });
    expect(await peer.next()).toMatchObject({ id: 2, result: { platformFamily: expect.any(String) } });
    peer.send({ id: 3, method: "initialize", params: INIT });
    expect(await peer.next()).toEqual({ id: 3, error: { code: -32600, message: "Already initialized" } });
  });

  // Found by `codegen probe` (issue 18): a malformed repeat was answered "Already initialized".
  it("answers a second initialize with malformed params -32602, as any request with malformed params", async () => {
    peer.send({ id: 1, method: "initialize", params: INIT });
    expect(await peer.next()).toMatchObject({ id: 1, result: { platformFamily: expect.any(String) } });
    peer.send({ id: 2, method: "initialize", params: [] });
    expect(await peer.next()).toMatchObject({ id: 2, error: { code: -32602, message: "Invalid params for initialize: must be object" } });
  });

  it("omits jsonrpc in replies unless the request carried it", async () => {
    peer.send({ id: "a", method: "initialize", params: INIT });
    const plain = await peer.next();
    expect(plain).not.toHaveProperty("jsonrpc");
    expect(plain.id).toBe("a");
    peer.send({ jsonrpc: "2.0", id: "b", method: "thread/start", params: {} });
    const echoed = await peer.next();
    expect(echoed).toMatchObject({ jsonrpc: "2.0", id: "b", result: { thread: { id: expect.any(String) } } });
    // Once the peer speaks stock JSON-RPC 2.0, notifications carry the member too.
    expect(await peer.next()).toMatchObject({ jsonrpc: "2.0", method: "thread/started" });
  });

  it("answers parse errors with -32700 and id null, and keeps serving", async () => {
    peer.write("{not json\n");
    expect(await peer.next()).toMatchObject({ id: null, error: { code: -32700 } });
    peer.write(Buffer.from([0xff, 0xfe, 0x0a]));
    expect(await peer.next()).toMatchObject({ id: null, error: { code: -32700 } });
    peer.send({ id: 1, method: "initialize", params: INIT });
    expect(await peer.next()).toMatchObject({ id: 1, result: {} });
  });

  it("answers invalid requests, unknown methods and invalid params with their codes", async () => {
    peer.send({ id: 1, method: "initialize", params: INIT });
    await peer.next();
    peer.send([1, 2]);
    expect(await peer.next()).toMatchObject({ id: null, error: { code: -32600 } });
    peer.send({ id: { nested: true }, method: "thread/start" });
    expect(await peer.next()).toMatchObject({ id: null, error: { code: -32600 } });
    peer.send({ id: 2, method: 42 });
    expect(await peer.next()).toMatchObject({ id: 2, error: { code: -32600 } });
    peer.send({ id: 3, method: "thread/explode", params: {} });
    expect(await peer.next()).toEqual({ id: 3, error: { code: -32601, message: "Method not found: thread/explode" } });
    peer.send({ id: 4, method: "thread/queue/list", params: { threadId: "x", limit: 4294967296 } });
    const invalid = await peer.next();
    expect(invalid).toMatchObject({ id: 4, error: { code: -32602, data: { errors: expect.any(Array) } } });
    expect(String((invalid.error as { message: string }).message)).toContain("thread/queue/list");
    expect(String((invalid.error as { message: string }).message)).toContain("/limit");
    // Responses to requests never sent and unknown notifications get no answer at all.
    peer.send({ id: 99, result: {} });
    peer.send({ method: "no/such/notification" });
    peer.send({ id: 5, method: "thread/queue/list", params: { threadId: "not-a-uuid" } });
    expect(await peer.next()).toEqual({ id: 5, error: { code: -32600, message: 'invalid thread id: "not-a-uuid" is not a UUID' } });
  });

  it("gates experimental methods on the capability", async () => {
    peer.send({ id: 1, method: "initialize", params: { clientInfo: { name: "raw", version: "1" } } });
    await peer.next();
    peer.send({ id: 2, method: "thread/queue/add", params: { threadId: "t", turnStartParams: { threadId: "t", input: [] } } });
    expect(await peer.next()).toEqual({ id: 2, error: { code: -32600, message: "thread/queue/add requires experimentalApi capability" } });
    peer.send({ id: 3, method: "thread/queue/list", params: { threadId: "t" } });
    expect(await peer.next()).toEqual({ id: 3, error: { code: -32600, message: "thread/queue/list requires experimentalApi capability" } });
  });

  it("rejects an add whose threadId does not match turnStartParams.threadId", async () => {
    peer.send({ id: 1, method: "initialize", params: INIT });
    await peer.next();
    peer.send({ id: 2, method: "thread/start", params: {} });
    const started = await peer.next();
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    await peer.next(); // thread/started
    const other = "01a21800-0000-7000-8000-000000000001";
    peer.send({ id: 3, method: "thread/queue/add", params: { threadId, turnStartParams: { threadId: other, input: [] } } });
    expect(await peer.next()).toEqual({ id: 3, error: { code: -32600, message: "`threadId` must match `turnStartParams.threadId`" } });
    peer.send({ id: 4, method: "thread/queue/add", params: { threadId: other, turnStartParams: { threadId: other, input: [] } } });
    expect(await peer.next()).toEqual({ id: 4, error: { code: -32600, message: `thread not found: ${other}` } });
  });

  it("exits cleanly on stdin EOF after answering what it read", async () => {
    peer.send({ id: 1, method: "initialize", params: INIT });
    peer.send({ id: 2, method: "thread/start", params: {} });
    const code = await peer.end();
    expect(code).toBe(0);
    const ids = peer.drainLines().map((line) => (JSON.parse(line) as { id?: unknown }).id);
    expect(ids).toContain(1);
    expect(ids).toContain(2);
  });
});
