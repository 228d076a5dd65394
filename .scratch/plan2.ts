import { SqliteQueueStore } from "../server/store/index.js";
import Database from "better-sqlite3";
const s = await SqliteQueueStore.open({ path: "/tmp/hostile-plan.sqlite" }); await s.close();
const db = new Database("/tmp/hostile-plan.sqlite");
for (const sql of [
 "UPDATE thread_leases SET expires_at_ms = @expires WHERE thread_id IN (SELECT value FROM json_each(@ids)) AND +owner_id = @owner RETURNING thread_id",
 "DELETE FROM thread_leases WHERE owner_id = @owner AND thread_id IN (SELECT value FROM json_each(@ids))",
]) console.log(db.prepare("EXPLAIN QUERY PLAN " + sql).all({owner: "x", ids: "[]", expires: 1}));
