import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const SERVER_BIN = join(REPO_ROOT, "bin/thread-queue-server.js");
export const TSX_CLI = join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs");

/**
 * The upstream protocol bundle (667 types). Only the development machines have it; elsewhere
 * the benchmarks that need it skip with this message. CODEX_CORPUS points elsewhere.
 */
export const CORPUS_BUNDLE =
  process.env.CODEX_CORPUS ?? "/work/shared/corpus/codex-app-server-protocol/codex_app_server_protocol.schemas.json";

export function corpusMissing(): string | undefined {
  return existsSync(CORPUS_BUNDLE) ? undefined : `the upstream corpus ${CORPUS_BUNDLE} is absent (set CODEX_CORPUS to its path)`;
}
