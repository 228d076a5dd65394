/**
 * A fresh client in a process of its own, for "after X, a new client is answered within N s":
 * it loads, prints `ready`, and on `go` (stdin) connects, initializes and lists one thread, then
 * prints `answered <wall ms> <net ms>` (net of the time the server's event loop and this process
 * waited for a CPU, process-probe.ts) and exits. Used by hostile-clients.ts:
 *
 *   node --import tsx/esm fresh-client-process.ts <url> <server pid> <thread id>
 */
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { runQueueWaitMs } from "./process-probe.js";

const [url, serverPidText, threadId] = process.argv.slice(2);
const serverPid = Number(serverPidText);
if (url === undefined || !(serverPid > 0) || threadId === undefined) {
  process.stderr.write("usage: fresh-client-process <url> <server pid> <thread id>\n");
  process.exit(2);
}

function answerOf(socket: WebSocket, id: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const text = data.toString("utf8");
      if (text.startsWith('{"method":') || (JSON.parse(text) as { id?: unknown }).id !== id) return;
      socket.off("message", onMessage);
      resolve();
    };
    socket.on("message", onMessage);
  });
}

createInterface({ input: process.stdin }).once("line", async () => {
  const serverWaited = runQueueWaitMs(serverPid);
  const selfWaited = runQueueWaitMs();
  const started = performance.now();
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const initialized = answerOf(socket, "init");
  socket.send(JSON.stringify({ id: "init", method: "initialize", params: { clientInfo: { name: "fresh", title: null, version: "1" }, capabilities: { experimentalApi: true } } }));
  await initialized;
  socket.send('{"method":"initialized"}');
  const listed = answerOf(socket, "list");
  socket.send(JSON.stringify({ id: "list", method: "thread/queue/list", params: { threadId, limit: 1 } }));
  await listed;
  const wall = performance.now() - started;
  const waited = Math.max(runQueueWaitMs(serverPid) - serverWaited, runQueueWaitMs() - selfWaited);
  process.stdout.write(`answered ${wall.toFixed(1)} ${Math.max(0, wall - waited).toFixed(1)}\n`);
  socket.terminate();
  process.exit(0);
});
process.stdout.write("ready\n");
