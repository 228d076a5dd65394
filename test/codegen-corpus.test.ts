/**
 * Issue 2's upstream-scale promise, end to end through the CLI: the whole upstream bundle
 * (82 root + 585 v2 types, registry derived from its unions) generates every output —
 * types, validators, methods map, server, client, runtime, bundle — and all of it typechecks
 * under strict settings, including a typed client call against an upstream method.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../codegen/cli/main.js";
import { typecheck } from "../codegen/emit/types/test-support.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(repoRoot, "..", "shared", "corpus", "codex-app-server-protocol", "codex_app_server_protocol.schemas.json");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe.skipIf(!existsSync(bundle))(
  "full codegen of the upstream corpus (needs ../shared/corpus/codex-app-server-protocol/codex_app_server_protocol.schemas.json)",
  () => {
    let out: string;
    let exitCode: number;
    let stderr = "";

    beforeAll(async () => {
      // Inside the repository (tmp/ is ignored) so the output resolves `ws` and friends from
      // node_modules, as it would in a client project; an ESM package like the project's.
      mkdirSync(join(repoRoot, "tmp"), { recursive: true });
      out = mkdtempSync(join(repoRoot, "tmp", "codegen-corpus-"));
      writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
      exitCode = await main(["--schema", bundle, "--out", out], {
        stdout: () => undefined,
        stderr: (text) => (stderr += text),
        cwd: repoRoot,
      });
    }, 120_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it("writes every output", () => {
      // Upstream's unions do not pair every request with its result (account/logout answers
      // LogoutAccountResponse); codegen says which, once, and generates them as unknown.
      expect(stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^warning: .*requests have no result type .*account\/logout \(clientToServer\).*--registry FILE/)]);
      expect(exitCode).toBe(0);
      const files = filesUnder(out).map((file) => relative(out, file));
      expect(files.filter((file) => /^types\/v2\/[A-Za-z0-9_]+\.ts$/.test(file)).length).toBe(586); // 585 + index
      for (const expected of ["validators/standalone.ts", "protocol/methods.ts", "server/dispatcher.ts", "client/client.ts", "runtime/jsonrpc.ts", "schema/protocol.schemas.json"]) {
        expect(files).toContain(expected);
      }
    });

    it("typechecks strictly, with a typed request against an upstream method", () => {
      const usage = join(out, "usage-check.ts");
      writeFileSync(
        usage,
        [
          'import { createClient, createMemoryTransportPair } from "./client/index.js";',
          "const [transport] = createMemoryTransportPair();",
          "const client = createClient(transport);",
          'export async function check(): Promise<string> {',
          '  const started = await client.request("thread/start", {});',
          "  return started.thread.id;",
          "}",
          "// @ts-expect-error an upstream method name that does not exist",
          'void client.request("thread/does-not-exist", {});',
          "",
        ].join("\n"),
      );
      const roots = filesUnder(out).filter((file) => file.endsWith(".ts"));
      expect(typecheck(roots)).toEqual([]);
    }, 180_000);

    it("is up to date right after generation (--check)", async () => {
      const code = await main(["--schema", bundle, "--out", out, "--check"], { stdout: () => undefined, stderr: () => undefined, cwd: repoRoot });
      // usage-check.ts is not generated: --check ignores files codegen does not own.
      expect(code).toBe(0);
    }, 120_000);
  },
);
