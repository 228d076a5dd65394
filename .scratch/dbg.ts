import { LeanClient } from "../test/support/hostile-clients.js";
import { TempDir } from "../test/support/server-process.js";
import { spawn } from "node:child_process";
const dir = new TempDir();
const db = dir.file("q.sqlite");
const extra = process.argv.slice(2);
const child = spawn(process.execPath, ["bin/thread-queue-server.js", "--db", db, "--listen", "ws://127.0.0.1:0", "--log-level", "debug", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
let seen = "";
const url = await new Promise<string>((res) => child.stderr!.on("data", (c: Buffer) => { seen += c; const m = /listening on (ws:\/\/\S+?)\/?,/.exec(seen); if (m) res(m[1]!); }));
const w = await LeanClient.connect(url);
const threadId = ((await w.call("thread/start", {})).thread as { id: string }).id;
const s = await LeanClient.connect(url);
await s.call("thread/resume", { threadId });
s.stopReading();
s.closed.then((c) => console.log("S closed", c));
for (let i = 0; i < 600; i++) {
  const t = performance.now();
  const r = await Promise.race([w.request("thread/queue/add", { threadId, turnStartParams: { threadId, input: [{ type: "text", text: `${i} `.padEnd(10000, "y") }] } }), new Promise((r) => setTimeout(() => r("TIMEOUT"), 5000))]);
  if (r === "TIMEOUT" || i % 50 === 0) console.log(i, r === "TIMEOUT" ? "TIMEOUT" : "ok", (performance.now() - t).toFixed(0), "notifs", w.notificationCount);
  if (r === "TIMEOUT") break;
}
console.log(seen.split("\n").filter((l) => !/debug/.test(l) || /connection|closing/.test(l)).slice(-20).join("\n"));
child.kill("SIGKILL");
process.exit(0);
