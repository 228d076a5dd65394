/**
 * The "other client" of the load scenarios, in a process of its own so that what it measures is
 * the server, not the test process (which may be busy reading hundreds of megabytes): it
 * connects, then sends one request every INTERVAL ms and prints `sent` when it does and
 * `answered <wall ms> <net ms>` when the answer comes — net of the time the server's event loop
 * and this process waited for a CPU meanwhile (process-probe.ts). Run by LatencyProbe
 * (hostile-clients.ts):
 *
 *   node --import tsx/esm latency-probe-process.ts <url> <server pid> <method> <params JSON> <interval ms>
 */
import WebSocket from "ws";
import { runQueueWaitMs } from "./process-probe.js";

const [url, serverPidText, method, paramsJson, intervalText] = process.argv.slice(2);
const serverPid = Number(serverPidText);
if (url === undefined || !(serverPid > 0) || method === undefined || paramsJson === undefined) {
  process.stderr.write("usage: latency-probe-process <url> <server pid> <method> <params JSON> [interval ms]\n");
  process.exit(2);
}
const interval = Number(intervalText ?? 100);
const socket = new WebSocket(url, { maxPayload: 512 * 1024 * 1024 });
let nextId = 0;
const waiting = new Map<string, (answer: { error?: unknown }) => void>();
socket.on("message", (data: Buffer) => {
  const text = data.toString("utf8");
  if (text.startsWith('{"method":')) return;
  const answer = JSON.parse(text) as { id: string; error?: unknown };
  waiting.get(answer.id)?.(answer);
  waiting.delete(answer.id);
});
socket.on("close", () => process.exit(0));
const ask = (m: string, params: unknown): Promise<{ error?: unknown }> => {
  const id = `probe-${(nextId += 1)}`;
  const answered = new Promise<{ error?: unknown }>((resolve) => waiting.set(id, resolve));
  socket.send(JSON.stringify({ id, method: m, params }));
  return answered;
};
socket.once("open", async () => {
  await ask("initialize", { clientInfo: { name: "latency-probe", title: null, version: "1" }, capabilities: { experimentalApi: true } });
  socket.send('{"method":"initialized"}');
  process.stdout.write("ready\n");
  const params: unknown = JSON.parse(paramsJson);
  for (;;) {
    const serverWaited = runQueueWaitMs(serverPid);
    const selfWaited = runQueueWaitMs();
    const started = performance.now();
    process.stdout.write("sent\n");
    const answer = await ask(method, params);
    const wall = performance.now() - started;
    // The larger of the two waits only: they may have overlapped (see timeNetOfContention).
    const waited = Math.max(runQueueWaitMs(serverPid) - serverWaited, runQueueWaitMs() - selfWaited);
    if (answer.error !== undefined) process.stdout.write(`error ${JSON.stringify(answer.error)}\n`);
    process.stdout.write(`answered ${wall.toFixed(1)} ${Math.max(0, wall - waited).toFixed(1)}\n`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
});
