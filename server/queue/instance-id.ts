/**
 * Who a server instance is, as written in `thread_leases.owner_id`: `host#pid#random`, so that
 * an operator reading the table can tell where a thread is dispatched, and so that SQLite (one
 * machine) can tell an owner that died from one that is merely slow.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export function newInstanceId(): string {
  return `${hostname()}#${process.pid}#${randomBytes(4).toString("hex")}`;
}

/**
 * True when `ownerId` names a process of this machine that no longer runs: its lease may be
 * taken at once instead of after expiry (a restarted SQLite server resumes its threads right
 * away, as SPEC §3 expects). False whenever in doubt — another host, a live pid, an id of
 * another shape. Only meaningful where every instance shares this machine's process table
 * (SQLite): two containers with the same hostname but separate pid namespaces must not share
 * an SQLite file with this check on. A pid reused by an unrelated process reads as alive (the
 * lease then waits for its expiry); our own pid under another id is a previous incarnation.
 * A zombie is gone too: a SIGKILLed server lingers as one (state `Z` in /proc/PID/stat) until
 * its parent reaps it, which in a container without an init may take seconds or never come,
 * yet `kill(pid, 0)` still succeeds on it.
 */
export function isLocalOwnerGone(ownerId: string, selfId: string): boolean {
  const [host, pidText, nonce] = ownerId.split("#");
  const pid = Number(pidText);
  if (host !== hostname() || nonce === undefined || !Number.isSafeInteger(pid) || pid <= 0) return false;
  if (ownerId === selfId) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  return processState(pid) === "Z";
}

/**
 * The one-letter state of a process from /proc/PID/stat (`R`, `S`, `Z`, …), or undefined where
 * there is no /proc (not Linux) or the process vanished meanwhile. The command name in
 * parentheses may itself contain spaces and parentheses, so the state is read after the last `)`.
 */
export function processState(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return /^\s*(\S)/.exec(stat.slice(stat.lastIndexOf(")") + 1))?.[1];
}
