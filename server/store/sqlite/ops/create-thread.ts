import { QueueStoreError, type CreateThreadInput, type ThreadRecord } from "../../queue-store.js";
import { THREAD_COLUMNS, toThreadRecord, type ThreadRow } from "../../rows.js";
import { sqliteErrorCode, type OpContext } from "./op-context.js";

interface Params {
  id: string;
  cwd: string | null;
  model: string | null;
  modelProvider: string | null;
  cliVersion: string | null;
  now: number;
}

export function prepareCreateThread({ db, now }: OpContext): (input: CreateThreadInput) => ThreadRecord {
  const insert = db.prepare<Params, ThreadRow>(`
    INSERT INTO threads (id, cwd, model, model_provider, cli_version, created_at_ms, updated_at_ms)
    VALUES (@id, @cwd, @model, @modelProvider, @cliVersion, @now, @now)
    RETURNING ${THREAD_COLUMNS}`);

  return (input) => {
    try {
      const row = insert.get({
        id: input.id,
        cwd: input.cwd ?? null,
        model: input.model ?? null,
        modelProvider: input.modelProvider ?? null,
        cliVersion: input.cliVersion ?? null,
        now: input.createdAtMs ?? now(),
      });
      if (!row) throw new Error("INSERT … RETURNING returned no row");
      return toThreadRecord(row);
    } catch (error) {
      if (sqliteErrorCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY") {
        throw new QueueStoreError("thread_exists", `thread already exists: ${input.id}`, { cause: error });
      }
      throw error;
    }
  };
}
