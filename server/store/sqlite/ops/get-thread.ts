import type { ThreadRecord } from "../../queue-store.js";
import { THREAD_COLUMNS, toThreadRecord, type ThreadRow } from "../../rows.js";
import type { OpContext } from "./op-context.js";

export function prepareGetThread({ db }: OpContext): (threadId: string) => ThreadRecord | null {
  const select = db.prepare<[string], ThreadRow>(`SELECT ${THREAD_COLUMNS} FROM threads WHERE id = ?`);
  return (threadId) => {
    const row = select.get(threadId);
    return row ? toThreadRecord(row) : null;
  };
}
