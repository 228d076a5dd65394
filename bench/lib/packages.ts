/**
 * The packages' compiled JavaScript, as users run it: the benchmarks that measure the installed
 * path (the codegen CLI, the server) build the package once per `npm run bench` (untimed) and
 * run its dist/ with plain node, without tsx.
 */
import { join } from "node:path";
import { buildPackage } from "../../scripts/build-package.js";
import { REPO_ROOT } from "./paths.js";

const built = new Set<string>();

function ensureBuilt(name: "protocol" | "codegen" | "server"): void {
  if (built.has(name)) return;
  buildPackage(name);
  built.add(name);
}

/** A module of the protocol package's compiled tree (packages/protocol/dist/<path>), as clients import it. */
export function compiledProtocolModule(path: string): string {
  ensureBuilt("protocol");
  return join(REPO_ROOT, "packages/protocol/dist", path);
}

/** packages/codegen/dist/codegen/cli.js, what the installed `thread-queue-codegen` bin runs. */
export function compiledCodegenCli(): string {
  ensureBuilt("codegen");
  return join(REPO_ROOT, "packages/codegen/dist/codegen/cli.js");
}

/** packages/server/dist/server/main.js, what the installed `thread-queue-server` bin runs. */
export function compiledServerMain(): string {
  ensureBuilt("server");
  return join(REPO_ROOT, "packages/server/dist/server/main.js");
}
