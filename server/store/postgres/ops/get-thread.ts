import type { ThreadRecord } from "../../queue-store.js";
import { THREAD_COLUMNS, toThreadRecord, type ThreadRow } from "../../rows.js";
import { run, statement, type OpContext } from "./op-context.js";

const SELECT = statement("get_thread", `SELECT ${THREAD_COLUMNS} FROM threads WHERE id = $1`);

export async function getThread({ db }: OpContext, threadId: string): Promise<ThreadRecord | null> {
  const row = (await run<ThreadRow>(db, SELECT, [threadId])).rows[0];
  return row ? toThreadRecord(row) : null;
}
