import { SqliteQueueStore } from "../server/store/index.js";
import Database from "better-sqlite3";
const s = await SqliteQueueStore.open({ path: "/tmp/hostile-plan.sqlite" }); await s.close();
const db = new Database("/tmp/hostile-plan.sqlite");
for (const sql of [
 "SELECT queue_order, length(turn_start_params_jsonb) FROM thread_queued_turns WHERE thread_id = @threadId AND queue_order > @after AND rowid IS NOT (SELECT rowid FROM thread_queued_turns WHERE thread_id = @threadId AND state = 'dispatching') ORDER BY queue_order ASC LIMIT @limit",
]) console.log(db.prepare("EXPLAIN QUERY PLAN " + sql).all({threadId: "x", after: 0, limit: 3}));
