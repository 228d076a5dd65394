/**
 * The server under test as the user describes it: `--server "CMD ARGS…"` split like a shell
 * would (quotes, escapes, `$VAR`; no pipes or redirections: there is no shell), and the
 * per-session placeholders `{tmp}` (a fresh empty folder, removed afterwards) and `{port}` (a
 * free loopback port), so every session starts a server with its own state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, quote } from "shell-quote";

export type Listen = { readonly kind: "stdio" } | { readonly kind: "ws"; readonly url: string };

export interface ServerCommand {
  /** The command line as given, for reports and transcripts. */
  readonly text: string;
  readonly argv: readonly string[];
  readonly listen: Listen;
  /** Where the server runs: relative paths in the command resolve against it. */
  readonly cwd: string;
}

export type ParsedCommand = { readonly ok: true; readonly command: ServerCommand } | { readonly ok: false; readonly message: string };

export function parseServerCommand(text: string, listen: string, where: { env: NodeJS.ProcessEnv; cwd: string }): ParsedCommand {
  const { env, cwd } = where;
  const entries = parse(text, (name) => env[name] ?? "");
  const argv: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== "string") {
      const what = "op" in entry ? `the shell operator ${JSON.stringify(entry.op === "glob" ? entry.pattern : entry.op)}` : "a comment";
      return { ok: false, message: `--server ${JSON.stringify(text)} contains ${what}; it is run without a shell, so wrap it: --server "sh -c '…'"` };
    }
    argv.push(entry);
  }
  if (argv.length === 0) return { ok: false, message: "--server needs a command, e.g. --server \"node bin/thread-queue-server.js --db {tmp}/probe.sqlite\"" };
  if (listen === "stdio" || listen === "stdio://") return { ok: true, command: { text, argv, listen: { kind: "stdio" }, cwd } };
  if (/^wss?:\/\//.test(listen)) return { ok: true, command: { text, argv, listen: { kind: "ws", url: listen }, cwd } };
  return { ok: false, message: `--listen ${JSON.stringify(listen)}: use stdio or a ws://HOST:PORT URL (PORT may be {port})` };
}

/** One session's concrete command: placeholders filled, and the folder to remove afterwards. */
export interface Instantiated {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly listen: Listen;
  readonly cleanup: () => void;
}

export async function instantiate(command: ServerCommand): Promise<Instantiated> {
  const everything = [...command.argv, command.listen.kind === "ws" ? command.listen.url : ""].join("\n");
  let folder: string | undefined;
  const values = new Map<string, string>();
  if (everything.includes("{tmp}")) {
    folder = mkdtempSync(path.join(tmpdir(), "probe-session-"));
    values.set("{tmp}", folder);
  }
  if (everything.includes("{port}")) values.set("{port}", String(await freePort()));
  const fill = (text: string): string => {
    let out = text;
    for (const [placeholder, value] of values) out = out.replaceAll(placeholder, value);
    return out;
  };
  return {
    argv: command.argv.map(fill),
    cwd: command.cwd,
    listen: command.listen.kind === "ws" ? { kind: "ws", url: fill(command.listen.url) } : command.listen,
    cleanup: () => {
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A command line as a shell would accept it back, for the replay line of a report. */
export function shellQuote(argv: readonly string[]): string {
  return quote([...argv]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
