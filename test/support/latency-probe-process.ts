/**
 * The "other client" of the load scenarios, in a process of its own so that what it measures is
 * the server, not the test process (which may be busy reading hundreds of megabytes): it
 * connects, then sends one request every INTERVAL ms and prints `sent` when it does and
 * `answered <ms>` when the answer comes. Run by LatencyProbe (hostile-clients.ts):
 *
 *   node --import tsx/esm latency-probe-process.ts <url> <method> <params JSON> <interval ms>
 */
import WebSocket from "ws";

const [url, method, paramsJson, intervalText] = process.argv.slice(2);
if (url === undefined || method === undefined || paramsJson === undefined) {
  process.stderr.write("usage: latency-probe-process <url> <method> <params JSON> [interval ms]\n");
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
    const started = performance.now();
    process.stdout.write("sent\n");
    const answer = await ask(method, params);
    if (answer.error !== undefined) process.stdout.write(`error ${JSON.stringify(answer.error)}\n`);
    process.stdout.write(`answered ${(performance.now() - started).toFixed(1)}\n`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
});
