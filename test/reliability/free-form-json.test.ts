/**
 * Issue #19, item 7: free-form JSON (`outputSchema` is any JSON) was silently changed by
 * JSON.parse — `1e309` stored as null, `9007199254740993` as …992, `-0` as 0, `1e-400` as 0, and
 * a repeated key (even `turnStartParams.threadId`) kept its last value. The server now refuses
 * such a request with -32602 naming the member, and stores nothing; what it accepts comes back
 * with the same values (numbers in their shortest form).
 */
import { afterEach, describe, expect, it } from "vitest";
import { persistThread, storedQueueRows } from "../support/reliability-db.js";
import { initializeRaw, startRawServer, type RawServer } from "../support/reliability-server.js";
import { TRANSPORTS } from "../support/harness.js";
import { TempDir } from "../support/server-process.js";

const THREAD = "01a21800-0000-7000-8000-0000000019a7";

/** An add whose outputSchema is the given JSON text, as a client would write it. */
const addWithSchema = (id: number, schemaText: string) =>
  `{"id":${id},"method":"thread/queue/add","params":{"threadId":"${THREAD}","turnStartParams":{"threadId":"${THREAD}","input":[{"type":"text","text":"t"}],"outputSchema":${schemaText}}}}`;

describe.each(TRANSPORTS)("free-form JSON over %s", (kind) => {
  const dirs: TempDir[] = [];
  const servers: RawServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => (server.alive() ? server.stop() : undefined)));
    for (const dir of dirs.splice(0)) dir.dispose();
  });
  const start = async () => {
    const dir = new TempDir();
    dirs.push(dir);
    const dbPath = dir.file("queue.sqlite");
    await persistThread(dbPath, THREAD);
    const server = await startRawServer(kind, dbPath);
    servers.push(server);
    await initializeRaw(server.peer);
    return { server, dbPath };
  };

  it("refuses numbers a double cannot keep and repeated keys with -32602 naming the member, storing nothing", async () => {
    const { server, dbPath } = await start();
    const refused: Array<[string, string, string]> = [
      ['{"maximum":1e309}', "/turnStartParams/outputSchema/maximum", "number 1e309 is out of range for a 64-bit float"],
      ['{"const":9007199254740993}', "/turnStartParams/outputSchema/const", "number 9007199254740993 cannot be kept exactly: it would be read as 9007199254740992"],
      ['{"minimum":-0}', "/turnStartParams/outputSchema/minimum", "number -0 cannot be kept exactly: it would be read as -0, which JSON sends back as 0"],
      ['{"multipleOf":1e-400}', "/turnStartParams/outputSchema/multipleOf", "number 1e-400 cannot be kept exactly: it would be read as 0"],
      ['{"type":"object","type":"string"}', "/turnStartParams/outputSchema/type", 'duplicate key "type"'],
    ];
    refused.forEach(([schema], index) => server.peer.write(`${addWithSchema(index + 1, schema)}\n`));
    for (const [index, [, pointer, problem]] of refused.entries()) {
      expect(await server.peer.next()).toEqual({
        id: index + 1,
        error: {
          code: -32602,
          message: `Invalid params for thread/queue/add: ${pointer} ${problem}`,
          data: { errors: [{ instancePath: pointer, schemaPath: "", keyword: "exactJson", message: problem, params: {} }] },
        },
      });
    }
    // The worst case: a repeated turnStartParams.threadId, which used to pick the last one.
    server.peer.write(
      `{"id":9,"method":"thread/queue/add","params":{"threadId":"${THREAD}","turnStartParams":{"threadId":"01a21800-0000-7000-8000-00000000dead","input":[],"threadId":"${THREAD}"}}}\n`,
    );
    expect(await server.peer.next()).toMatchObject({ id: 9, error: { code: -32602, message: `Invalid params for thread/queue/add: /turnStartParams/threadId duplicate key "threadId"` } });
    // A repeated envelope member: the request is not what it seems, -32600.
    server.peer.write('{"id":10,"method":"thread/queue/list","method":"thread/queue/delete","params":{}}\n');
    expect(await server.peer.next()).toEqual({ id: 10, error: { code: -32600, message: 'Invalid request: /method duplicate key "method"' } });
    expect(storedQueueRows(dbPath, THREAD)).toEqual([]);
    expect(server.alive()).toBe(true);
  });

  it("stores and returns the values of every number it accepts", async () => {
    const { server } = await start();
    const schema = '{"a":1.0,"b":1e2,"c":0.1,"d":-2.5e-3,"e":9007199254740992,"f":1.7976931348623157e308,"g":5e-324,"h":0,"i":[123456789012345,-1]}';
    server.peer.write(`${addWithSchema(1, schema)}\n`);
    const added = await server.peer.next();
    expect(added).toMatchObject({ id: 1, result: { queuedTurn: { status: { type: "pending" } } } });
    server.peer.write(`{"id":2,"method":"thread/queue/list","params":{"threadId":"${THREAD}"}}\n`);
    const listed = (await server.peer.next()) as { result: { data: Array<{ turnStartParams: { outputSchema: unknown } }> } };
    expect(listed.result.data[0]?.turnStartParams.outputSchema).toEqual(JSON.parse(schema));
    expect(JSON.stringify(listed.result.data[0]?.turnStartParams.outputSchema)).toBe(
      '{"a":1,"b":100,"c":0.1,"d":-0.0025,"e":9007199254740992,"f":1.7976931348623157e+308,"g":5e-324,"h":0,"i":[123456789012345,-1]}',
    );
  });
});
