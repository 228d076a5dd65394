/**
 * The whole command line, checked before anything is opened: the flags, what `--db` names,
 * and whether the listen address needs a token. Every problem here is a command-line error
 * (exit 2), reported as one line.
 */
import { isIP } from "node:net";
import { FlagError, parseServerFlags, WS_TOKEN_ENV, type ServerFlags } from "./server-flags.js";
import { parseStoreTarget, StoreTargetError, type StoreTarget } from "./store-target.js";

export interface CommandLine {
  readonly flags: ServerFlags;
  readonly target: StoreTarget;
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine | "help" | "version" {
  try {
    const flags = parseServerFlags(argv, env);
    if (flags === "help" || flags === "version") return flags;
    if (flags.listen.kind === "ws" && !isLoopbackHost(flags.listen.host) && flags.wsToken === undefined) {
      throw new FlagError(
        `refusing to listen on non-loopback host ${flags.listen.host} without an auth token: pass --ws-token or set ${WS_TOKEN_ENV}`,
      );
    }
    return { flags, target: parseStoreTarget(flags.db, flags.dbSchema) };
  } catch (error) {
    // The flag parser reads --db too (to check --db-schema against it).
    if (error instanceof StoreTargetError) throw new FlagError(error.message);
    throw error;
  }
}

function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}
