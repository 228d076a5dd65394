import { describe, expect, it, vi } from "vitest";
import { JsonRpcConnection } from "../connection.js";
import { StdioChildTransport } from "./stdio-child.js";

/** A child that answers each request line with its method and exits on stdin EOF. */
const ECHO_SERVER = `
process.stderr.write("echo server up\\n");
let buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf("\\n")) !== -1) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    const message = JSON.parse(line);
    if (message.method === "garbage") process.stdout.write("not json\\n");
    process.stdout.write(JSON.stringify({ id: message.id, result: { echoed: message.method } }) + "\\n");
  }
});
process.stdin.on("end", () => process.exit(0));
`;

/** A child that ignores stdin EOF and SIGTERM alike, to prove close() still ends it. */
const STUBBORN_CHILD = `
process.on("SIGTERM", () => {});
process.stdin.resume();
process.stdin.on("end", () => {});
setInterval(() => {}, 1000);
process.stderr.write("ready\\n");
`;

function nodeChild(script: string, extra: Partial<ConstructorParameters<typeof StdioChildTransport>[0]> = {}) {
  return new StdioChildTransport({ command: process.execPath, args: ["-e", script], stderr: "collect", ...extra });
}

describe("StdioChildTransport", () => {
  it("speaks newline-delimited JSON with the child and collects its stderr", async () => {
    const transport = nodeChild(ECHO_SERVER);
    const connection = new JsonRpcConnection(transport);
    await connection.start();
    await expect(connection.request("initialize", { clientInfo: { name: "t" } })).resolves.toEqual({
      echoed: "initialize",
    });
    await expect(connection.request("thread/queue/list")).resolves.toEqual({ echoed: "thread/queue/list" });
    await vi.waitFor(() => expect(transport.stderrOutput).toBe("echo server up\n"), { timeout: 30_000 });
    await connection.close();
    expect(transport.exitStatus).toEqual({ code: 0, signal: null });
  });

  it("reports an unparsable line from the child as a -32700 frame error", async () => {
    const transport = nodeChild(ECHO_SERVER);
    const frameErrors: number[] = [];
    const connection = new JsonRpcConnection(transport);
    connection.onerror = (error) => frameErrors.push((error as { code?: number }).code ?? 0);
    await connection.start();
    await expect(connection.request("garbage")).resolves.toEqual({ echoed: "garbage" });
    expect(frameErrors).toEqual([-32700]);
    await connection.close();
  });

  it("kills a child that does not exit after stdin ends, and fires onclose once", async () => {
    const transport = nodeChild(STUBBORN_CHILD, { closeTimeoutMs: 200 });
    const closed = vi.fn();
    transport.onclose = closed;
    await transport.start();
    await vi.waitFor(() => expect(transport.stderrOutput).toBe("ready\n"), { timeout: 30_000 });
    await transport.close();
    expect(transport.exitStatus?.signal).toBe("SIGKILL");
    expect(closed).toHaveBeenCalledTimes(1);
    await expect(transport.send({ method: "x" })).rejects.toMatchObject({ code: -31002 });
  });

  it("rejects pending requests when the child dies", async () => {
    const transport = nodeChild("process.stdin.once('data', () => process.exit(3));");
    const connection = new JsonRpcConnection(transport);
    await connection.start();
    await expect(connection.request("anything")).rejects.toMatchObject({ code: -31002 });
    expect(transport.exitStatus).toEqual({ code: 3, signal: null });
  });

  it("rejects start() when the command cannot be spawned", async () => {
    const transport = new StdioChildTransport({ command: "/nonexistent/definitely-not-here" });
    await expect(transport.start()).rejects.toMatchObject({ code: "ENOENT" });
  });
});
