/**
 * docs/protocol.md is the protocol's description for readers of the repository (the README
 * used to send them to a sibling folder they do not have). It names every method and
 * notification of schema/protocol.json, and every error text it quotes is one the server
 * sends — so the page cannot drift from the code unnoticed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
const read = (relative: string) => readFileSync(path.join(repo, relative), "utf8");
const doc = read("docs/protocol.md");

/** Every backticked span outside code blocks (``double`` ones may hold single backticks), on one line. */
const prose = doc.replace(/```[\s\S]*?```/g, "");
const spans = [...prose.matchAll(/``\s?([^]+?)\s?``|`([^`]+)`/g)].map((match) => (match[1] ?? match[2] ?? "").replace(/\s+/g, " "));

/** The server's own texts: its sources and the generated runtime and dispatcher it answers with, tests left out. */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) texts.push(readFileSync(full, "utf8"));
    }
  };
  walk(path.join(repo, "server"));
  walk(path.join(repo, "generated/runtime"));
  walk(path.join(repo, "generated/server"));
  return texts.join("\n");
}

/** The error and failure texts the page quotes: after an error code, in the errors table, and the row failure messages. */
function quotedMessages(): string[] {
  const withCode = spans.flatMap((span) => /^-32\d{3} (.+)$/.exec(span)?.[1] ?? []);
  const table = doc.slice(doc.indexOf("## Errors"));
  const inTable = table
    .split("\n")
    .filter((line) => /^\| -32\d{3} \|/.test(line))
    .flatMap((line) => [...(line.split("|")[2] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ""));
  const rowFailures = [...doc.matchAll(/"(queued turn [^"]+)"/g)].map((match) => (match[1] ?? "").replace(/\s+/g, " "));
  const restart = spans.filter((span) => span.startsWith("queued turn dispatch was interrupted"));
  return [...new Set([...withCode, ...inTable, ...rowFailures, ...restart])];
}

describe("docs/protocol.md", () => {
  it("is what the README points to for the protocol, and no public page points outside the repository for it", () => {
    const readme = read("README.md");
    expect(readme).toContain("](docs/protocol.md)");
    for (const page of ["README.md", "schema/README.md", "docs/protocol.md", "docs/guarantees.md", "docs/scaling-out.md", "docs/DESIGN.md"]) {
      expect(read(page), page).not.toMatch(/SPEC\.md|SPEC §/);
    }
  });

  it("describes every method and notification of the registry", () => {
    const registry = JSON.parse(read("schema/protocol.json")) as { requests: Array<{ method: string }>; notifications: Array<{ method: string }> };
    const methods = [...registry.requests, ...registry.notifications].map((entry) => entry.method);
    expect(methods.length).toBeGreaterThan(10);
    const missing = methods.filter((method) => !spans.some((span) => span === method || span.startsWith(`${method} `)));
    expect(missing).toEqual([]);
  });

  it("quotes only error texts the server sends", () => {
    const source = sourceText();
    const messages = quotedMessages();
    expect(messages.length).toBeGreaterThan(15);
    const unknown = messages.filter((message) =>
      message
        // A placeholder (`<id>`, `N`) is any value; quotes around it come from JSON.stringify.
        .split(/"?<[^>]+>"?|\bN\b/)
        .flatMap((fragment) => fragment.split(": "))
        .map((piece) => piece.trim())
        .some((piece) => piece.length >= 4 && !source.includes(piece)),
    );
    expect(unknown).toEqual([]);
  });
});
