/**
 * What a server process costs, read from Linux's /proc: resident memory (sampled for its peak
 * over a scenario), CPU time (for the share of one core it used over a window), and the time
 * a thread spent ready to run but waiting for a CPU (so that a latency can be measured net of
 * a busy machine). Tests that bound these skip elsewhere, with `procUnavailable()` naming why.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Why /proc readings are impossible here, or undefined when they work. */
export function procUnavailable(): string | undefined {
  if (process.platform !== "linux") return `/proc readings need Linux (this is ${process.platform})`;
  if (!existsSync(`/proc/${process.pid}/status`)) return "/proc is not mounted";
  if (!existsSync("/proc/thread-self/schedstat")) return "/proc/<pid>/schedstat is missing (a kernel without CONFIG_SCHED_INFO)";
  return undefined;
}

/**
 * Milliseconds a thread has spent runnable but not running — waiting on a run queue because
 * other processes had the CPUs (/proc/.../schedstat, second field). Without `pid`: the calling
 * thread; with it: that process's main thread (a Node server's event loop).
 */
export function runQueueWaitMs(pid?: number): number {
  const path = pid === undefined ? "/proc/thread-self/schedstat" : `/proc/${pid}/task/${pid}/schedstat`;
  try {
    return Number(readFileSync(path, "utf8").split(" ")[1]) / 1e6;
  } catch {
    return 0;
  }
}

/**
 * Times `work` that needs the server at `pid` and this thread, wall clock and net of the time
 * they waited for a CPU meanwhile: on a machine busy with other work, the net time is what the
 * server itself took (its event loop blocked, its requests queued), which is what a
 * responsiveness bound is about. Only the larger of the two waits is taken off (they may have
 * overlapped), so the net time is never less than the server's own.
 */
export async function timeNetOfContention<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; wallMs: number; netMs: number }> {
  const serverBefore = runQueueWaitMs(pid);
  const selfBefore = runQueueWaitMs();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const waited = Math.max(runQueueWaitMs(pid) - serverBefore, runQueueWaitMs() - selfBefore);
  return { value, wallMs, netMs: Math.max(0, wallMs - waited) };
}

/** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;

/** User + system CPU time the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces), from its closing parenthesis on.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond;
}

/** The share of one core the process used over `windowMs` (0.05 = 5 %). */
export async function cpuShare(pid: number, windowMs: number): Promise<number> {
  const before = cpuSeconds(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsed = (performance.now() - started) / 1000;
  return (cpuSeconds(pid) - before) / elapsed;
}

/** Samples a process's resident memory every `intervalMs` until stopped; reports the peak. */
export class ResidentMemorySampler {
  private peakBytes = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  get peak(): number {
    return this.peakBytes;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  private sample(): void {
    const bytes = residentBytes(this.pid);
    if (bytes !== undefined && bytes > this.peakBytes) this.peakBytes = bytes;
  }
}

export const MiB = 1024 * 1024;
