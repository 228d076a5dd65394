import { QueueStoreError, type CreateThreadInput, type ThreadRecord } from "../../queue-store.js";
import { THREAD_COLUMNS, toThreadRecord, type ThreadRow } from "../../rows.js";
import { run, statement, type OpContext } from "./op-context.js";

// ON CONFLICT instead of catching the unique violation: an existing id is an answer, not an
// error that would abort the batch's transaction.
const INSERT = statement(
  "create_thread",
  `INSERT INTO threads (id, cwd, model, model_provider, cli_version, created_at_ms, updated_at_ms)
   VALUES ($1, $2, $3, $4, $5, $6, $6)
   ON CONFLICT (id) DO NOTHING
   RETURNING ${THREAD_COLUMNS}`,
);

export async function createThread({ db, now }: OpContext, input: CreateThreadInput): Promise<ThreadRecord> {
  const { rows } = await run<ThreadRow>(db, INSERT, [
    input.id,
    input.cwd ?? null,
    input.model ?? null,
    input.modelProvider ?? null,
    input.cliVersion ?? null,
    input.createdAtMs ?? now(),
  ]);
  const row = rows[0];
  if (!row) throw new QueueStoreError("thread_exists", `thread already exists: ${input.id}`);
  return toThreadRecord(row);
}
