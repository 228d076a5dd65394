/**
 * Several real server processes on one PostgreSQL schema, as a deployment behind a load
 * balancer would run them, and a client per instance. Which instance holds a thread's lease is
 * read from the database (`thread_leases.owner_id` is `host#pid#random`).
 */
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { WebSocketClientTransport } from "../../generated/client/index.js";
import { createBackend, type TestBackend } from "../support/backends.js";
import { WebSocketServerProcess } from "../support/server-process.js";
import { TestClient } from "../support/test-client.js";

export interface Instance {
  readonly server: WebSocketServerProcess;
  /** Connects and initializes a client (with the experimental API). */
  connect(): Promise<TestClient>;
}

export interface InstanceSet {
  readonly backend: TestBackend;
  readonly instances: Instance[];
  /** Starts one more instance on the same database (through `db`, e.g. a proxy to it, when given). */
  start(args?: readonly string[], env?: NodeJS.ProcessEnv, db?: string): Promise<Instance>;
  /** The instance whose process holds the thread's lease, if any does. */
  leaseHolder(threadId: string): Promise<Instance | undefined>;
  /** SQL against the instances' schema, for assertions. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  dispose(): Promise<void>;
}

/** `db` overrides the backend's URL (a private cluster); the schema still comes from the backend. */
export async function startInstances(count: number, args: readonly string[], db?: string): Promise<InstanceSet> {
  const backend = await createBackend("postgres");
  const url = db ?? backend.db;
  const schemaArgs = backend.serverArgs;
  const schema = schemaArgs[schemaArgs.indexOf("--db-schema") + 1] ?? "public";
  const clients: TestClient[] = [];
  const instances: Instance[] = [];
  const admin = new pg.Client({ connectionString: url, application_name: "thread-queue-test-admin", options: `-c search_path=${schema}` });
  admin.on("error", () => undefined); // a database restart in a test ends this session too
  let adminReady: Promise<void> | undefined;

  const start = async (extra: readonly string[] = args, env: NodeJS.ProcessEnv = process.env, through: string = url): Promise<Instance> => {
    const server = await WebSocketServerProcess.start(through, ["--log-level", "error", ...schemaArgs, ...extra], env);
    const instance: Instance = {
      server,
      connect: async () => {
        const client = new TestClient(new WebSocketClientTransport({ url: server.url }));
        clients.push(client);
        await client.client.ready;
        await client.initialize();
        return client;
      },
    };
    instances.push(instance);
    return instance;
  };
  // One after another: the first applies the migrations, the others find them done.
  for (let i = 0; i < count; i += 1) await start();

  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    adminReady ??= admin.connect().then(() => undefined);
    await adminReady;
    return (await admin.query<R>(text, values)).rows;
  };
  return {
    backend,
    instances,
    start,
    query,
    async leaseHolder(threadId) {
      const rows = await query<{ owner_id: string }>("SELECT owner_id FROM thread_leases WHERE thread_id = $1", [threadId]);
      const pid = Number(rows[0]?.owner_id.split("#")[1]);
      return instances.find((instance) => instance.server.child.pid === pid);
    },
    async dispose() {
      await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
      await Promise.all(instances.map((instance) => instance.server.stop()));
      if (adminReady !== undefined) await admin.end().catch(() => undefined);
      if (db === undefined) await backend.dispose();
    },
  };
}

/** What a describe block that calls `instancesWithClients` uses in its tests. */
export interface InstancesWithClients {
  readonly set: InstanceSet;
  /** The client connected to instance `index % count`. */
  client(index: number): TestClient;
}

/**
 * For a describe block: `count` instances (with `args`) started before its tests, an
 * initialized client connected to each, all stopped after them.
 */
export function instancesWithClients(count: number, args: readonly string[]): InstancesWithClients {
  let started: InstanceSet | undefined;
  let clients: TestClient[] = [];
  beforeAll(async () => {
    started = await startInstances(count, args);
    clients = await Promise.all(started.instances.map((instance) => instance.connect()));
  });
  afterAll(() => started?.dispose());
  return {
    get set() {
      if (started === undefined) throw new Error("the instances start in beforeAll; use them inside a test");
      return started;
    },
    client(index) {
      const found = clients[index % clients.length];
      if (found === undefined) throw new Error(`no client ${index} (${clients.length} connected)`);
      return found;
    },
  };
}
